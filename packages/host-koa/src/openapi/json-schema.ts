import { z } from 'zod';
import { componentRegistry } from './response-schemas.js';

/*
 * zod → JSON Schema 2020-12, OpenAPI 3.1's dialect, with `z.toJSONSchema`. The descriptions and
 * the JSON-Schema facts the core declares on its schemas (`.describe()`, `.meta()`) come along;
 * docs/openapi.md says which schema each part of the document comes from.
 */

/** A JSON Schema or OpenAPI object; kept loose, the document is data. */
export type Json = Record<string, unknown>;

export const SCHEMAS = '#/components/schemas/';

/** One schema, without the `$schema`/`$id` zod adds (the document states its dialect once). */
export function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): Json {
  const {
    $schema: _schema,
    $id: _id,
    ...rest
  } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

/** Every registered component (response-schemas.ts, dead-letter-paths.ts) by its name, `$ref`s between them. */
export function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(componentRegistry, {
    io: 'output',
    target: 'draft-2020-12',
    uri: (id) => `${SCHEMAS}${id}`,
  }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema;
    out[name] = rest;
  }
  return out;
}

/**
 * The query parameters a core schema of them declares (`listQuerySchema`, `deadLetterQuerySchema`),
 * in its order. None is required: an absent or empty one takes its default, or does not filter.
 */
export function queryParameters(schema: z.ZodObject): Json[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const parameter = jsonSchema(field, 'input');
    return { name, in: 'query', required: false, description: parameter.description, schema: parameter };
  });
}
