/** Building blocks every view uses: badges, errors, fields, progress, tables' empty states. */
import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { isApiError } from '@berth/client';
import { phaseTone } from '../lib/format.js';

export function PhaseBadge({ phase }: { phase: string }) {
  return (
    <span className={`badge badge-${phaseTone(phase)}`} data-phase={phase}>
      {phase}
    </span>
  );
}

/** What a person should read about a failure: the API's detail, or the error's message. */
export function describeError(err: unknown): string {
  if (isApiError(err)) {
    if (err.code === 'BERTH_ERR_NOT_IMPLEMENTED')
      return `Not available on this server: ${err.message}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function ErrorBanner({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="banner banner-bad" role="alert">
      {describeError(error)}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner banner-info" role="status">
      {children}
    </div>
  );
}

/**
 * A labelled form control with its help text and error. The error is announced and linked to
 * the control (`aria-describedby`, `aria-invalid`), so it sits next to the field for everyone.
 */
export function Field({
  label,
  error,
  help,
  children,
  path,
}: {
  label: string;
  error?: string | undefined;
  help?: ReactNode;
  path?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help ? helpId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-field={path}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy || undefined })}
      {help ? (
        <div className="help" id={helpId}>
          {help}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v}
    >
      <div className="progress-bar" style={{ width: `${v}%` }} />
    </div>
  );
}

/** Re-renders every `ms` and returns the time, for relative ages. */
export function useNow(ms = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/**
 * Runs `load` when `deps` change (aborting the previous run) and on `reload()`. A failed reload
 * keeps the last data, so a brief outage does not blank the page.
 */
export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: readonly unknown[],
): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setState({ data, loading: false }),
      (error: unknown) =>
        !controller.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => controller.abort();
  }, [...deps, tick]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload,
  };
}
