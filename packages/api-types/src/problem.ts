/** The `application/problem+json` body (RFC 9457) of every error the API returns. */
import { Type, type Static } from '@sinclair/typebox';
import { Closed } from './schema-helpers.js';

export const ProblemSchema = Closed(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable BERTH_ERR_… code' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    field: Type.Optional(
      Type.String({ description: 'Offending field for validation errors, e.g. spec.zones' }),
    ),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { title: 'Problem' },
);
export type ProblemBody = Static<typeof ProblemSchema>;
