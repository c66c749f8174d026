export * from './accept-schema.js';
export * from './delivery-query.js';
export * from './event-query.js';
export {
  isValidTemplateCode,
  MAX_EMAIL_LENGTH,
  MAX_METADATA_BYTES,
  MAX_NESTING_DEPTH,
  MAX_REQUEST_ID_LENGTH,
  MAX_SUBJECT_LENGTH,
  MAX_USER_ID_LENGTH,
  TEMPLATE_CODE_PATTERN,
} from './field-rules.js';
export { requestIdSchema } from './field-schemas.js';
export * from './list-query.js';
export * from './payload-fingerprint.js';
export * from './webhook-schema.js';
