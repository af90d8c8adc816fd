/**
 * Confirmation of a destructive action: the person types the cluster's name, as GitHub does for
 * deleting a repository. Escape or Cancel closes it; the action runs only on an exact match.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ErrorBanner } from './common.js';

export function ConfirmDialog({
  title,
  children,
  confirmName,
  action,
  onConfirm,
  onClose,
}: {
  title: string;
  children?: ReactNode;
  /** What must be typed to enable the action. */
  confirmName: string;
  /** The button's text, e.g. "Delete cluster". */
  action: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    input.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === confirmName && !busy) void submit();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        {children}
        <label htmlFor={`${id}-name`}>
          Type <strong className="mono">{confirmName}</strong> to confirm
        </label>
        <input
          id={`${id}-name`}
          ref={input}
          value={typed}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setTyped(e.target.value)}
        />
        <ErrorBanner error={error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={typed !== confirmName || busy}>
            {busy ? 'Working…' : action}
          </button>
        </div>
      </form>
    </div>
  );
}
