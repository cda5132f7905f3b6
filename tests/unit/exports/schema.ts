/** The Web Annotation schema (tests/fixtures/annotation-model), compiled once with ajv. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const schemaPath = fileURLToPath(new URL('../../fixtures/annotation-model/web-annotation.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown> & { $id: string };
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addSchema(schema);

const validators = {
  document: ajv.getSchema(schema.$id)!,
  annotation: ajv.getSchema(`${schema.$id}#/definitions/annotation`)!,
  collection: ajv.getSchema(`${schema.$id}#/definitions/collection`)!,
  page: ajv.getSchema(`${schema.$id}#/definitions/page`)!,
};

/** The schema's complaints about `value` as a `kind` (empty when it is valid). */
export function schemaErrors(kind: keyof typeof validators, value: unknown): string[] {
  const validate = validators[kind];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}
