/**
 * Answers of `GET …/clusters/{c}/monitoring/query` and `…/query_range`: what the cluster's own
 * Prometheus (the `monitoring` addon) answered, in its own shape (`data` of the Prometheus HTTP
 * API), except that a scalar or string result is given as one series without labels so every
 * answer is a list of series.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Closed, StringEnum } from './schema-helpers.js';

export const MONITORING_RESULT_TYPES = ['vector', 'matrix', 'scalar', 'string'] as const;
export type MonitoringResultType = (typeof MONITORING_RESULT_TYPES)[number];

/** `[unix seconds, "value"]`: Prometheus sends values as strings (`"NaN"`, `"+Inf"` too). */
export const MonitoringSample = Type.Tuple([Type.Number(), Type.String()], {
  title: 'MonitoringSample',
});
export type MonitoringSample = Static<typeof MonitoringSample>;

export const MonitoringSeries = Closed(
  {
    metric: Type.Record(Type.String(), Type.String(), { description: 'The series labels' }),
    value: Type.Optional(MonitoringSample),
    values: Type.Optional(
      Type.Array(MonitoringSample, { description: 'query_range: oldest first' }),
    ),
  },
  { title: 'MonitoringSeries' },
);
export type MonitoringSeries = Static<typeof MonitoringSeries>;

export const MonitoringQueryResult = Closed(
  {
    resultType: StringEnum(MONITORING_RESULT_TYPES),
    result: Type.Array(MonitoringSeries),
    warnings: Type.Optional(Type.Array(Type.String())),
  },
  { title: 'MonitoringQueryResult' },
);
export type MonitoringQueryResult = Static<typeof MonitoringQueryResult>;

const Query = Type.String({
  minLength: 1,
  maxLength: 8192,
  description: 'A PromQL expression',
});
/** Prometheus reads times as RFC 3339 or unix seconds and steps as durations or seconds. */
const TimeParam = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'RFC 3339 or unix seconds',
});

export const MonitoringQueryParams = Type.Object({
  query: Query,
  time: Type.Optional(TimeParam),
});
export type MonitoringQueryParams = Static<typeof MonitoringQueryParams>;

export const MonitoringRangeParams = Type.Object({
  query: Query,
  start: TimeParam,
  end: TimeParam,
  step: Type.String({
    minLength: 1,
    maxLength: 32,
    description: 'Resolution: a duration (`30s`) or seconds',
  }),
});
export type MonitoringRangeParams = Static<typeof MonitoringRangeParams>;
