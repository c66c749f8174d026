import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotifyError } from '../domain/errors.js';
import type { Template, TemplateSource } from '../ports/template-source.js';
import { isValidTemplateCode } from '../validation/field-rules.js';

export interface DirectoryTemplateSourceOptions {
  /** Keep templates in memory once read (default true); turn off while editing templates. */
  cache?: boolean;
}

/**
 * Templates as files: `<dir>/<code>/subject.hbs` plus `<dir>/<code>/html.hbs` and/or
 * `<dir>/<code>/text.hbs` (the shipped ones: packages/core/templates).
 * The code is checked against the template_code pattern before any path is built, so
 * `../secrets` or `a/b` can never reach the filesystem.
 */
export class DirectoryTemplateSource implements TemplateSource {
  readonly directory: string;
  private readonly cacheEnabled: boolean;
  private readonly cache = new Map<string, Promise<Template>>();

  constructor(directory: string, options: DirectoryTemplateSourceOptions = {}) {
    if (typeof directory !== 'string' || directory === '') {
      throw new NotifyError('CONFIG_INVALID', 'DirectoryTemplateSource: directory must be a non-empty path');
    }
    this.directory = resolve(directory);
    this.cacheEnabled = options.cache ?? true;
  }

  get(code: string): Promise<Template> {
    if (!isValidTemplateCode(code)) {
      return Promise.reject(
        new NotifyError('TEMPLATE_NOT_FOUND', `Template "${String(code).slice(0, 64)}" does not exist`),
      );
    }
    const cached = this.cache.get(code);
    if (cached) return cached;
    const loading = this.load(code);
    if (this.cacheEnabled) {
      this.cache.set(code, loading);
      // A miss or a read error is not remembered: the template may be added, the disk may recover.
      loading.catch(() => this.cache.delete(code));
    }
    return loading;
  }

  private async load(code: string): Promise<Template> {
    const folder = join(this.directory, code);
    const [subject, html, text] = await Promise.all(
      ['subject.hbs', 'html.hbs', 'text.hbs'].map((file) => readOptional(join(folder, file), code)),
    );
    if (subject === undefined && html === undefined && text === undefined) {
      // The message reaches clients in the status (`error`): it names the template, never the folder.
      throw new NotifyError('TEMPLATE_NOT_FOUND', `Template "${code}" does not exist`);
    }
    if (subject === undefined) {
      throw new NotifyError('TEMPLATE_INVALID', `Template "${code}" has no subject.hbs`);
    }
    if (html === undefined && text === undefined) {
      throw new NotifyError('TEMPLATE_INVALID', `Template "${code}" has neither html.hbs nor text.hbs`);
    }
    const template: Template = { code, subject: subject.trim() };
    if (html !== undefined) template.html = html;
    if (text !== undefined) template.text = text;
    return template;
  }
}

async function readOptional(path: string, code: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return undefined;
    throw new NotifyError(
      'TEMPLATE_SOURCE_UNAVAILABLE',
      `Template "${code}" could not be read (${errno ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The templates shipped with this package (`packages/core/templates`). Found by walking up from
 * this module to the package root, because the module sits at `src/rendering/` when run from
 * source and in `dist/` (or a chunk of it) when built.
 */
export function defaultTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (isCorePackageRoot(dir)) return join(dir, 'templates');
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new NotifyError('CONFIG_INVALID', 'The default templates of @notify/email-core could not be located');
}

function isCorePackageRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === '@notify/email-core';
  } catch {
    return false;
  }
}
