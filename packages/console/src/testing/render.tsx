/** Mounting and driving components in tests (see dom.ts). */
import './dom.js';
import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

const w = () => globalThis.window as unknown as typeof globalThis & Record<string, never>;

export interface Mounted {
  container: HTMLElement;
  unmount(): Promise<void>;
}

const mounted = new Set<Root>();

export async function render(element: ReactElement): Promise<Mounted> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.add(root);
  await act(async () => root.render(element));
  return {
    container,
    unmount: async () => {
      await act(async () => root.unmount());
      mounted.delete(root);
      container.remove();
    },
  };
}

export async function cleanup(): Promise<void> {
  for (const root of mounted) await act(async () => root.unmount());
  mounted.clear();
  document.body.innerHTML = '';
}

/** Lets pending promises and timers of `ms` run inside act. */
export async function flush(ms = 0): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, ms));
  });
}

/** Polls `check` (inside act) until it returns a value, or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | null | false, ms = 3000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`waitFor timed out${last instanceof Error ? `: ${last.message}` : ''}`);
    await flush(20);
  }
}

/** The form control labelled `label` (its <label for>, or aria-label). */
export function byLabel<T extends HTMLElement = HTMLInputElement>(
  root: ParentNode,
  label: string,
): T {
  for (const l of root.querySelectorAll('label')) {
    if (l.textContent?.trim() === label && l.htmlFor) {
      const el = (l.ownerDocument ?? document).getElementById(l.htmlFor);
      if (el) return el as T;
    }
  }
  const el = root.querySelector(`[aria-label="${label}"]`);
  if (el) return el as T;
  throw new Error(`no control labelled "${label}"`);
}

export function byText<T extends HTMLElement = HTMLElement>(
  root: ParentNode,
  selector: string,
  text: string | RegExp,
): T | undefined {
  for (const el of root.querySelectorAll(selector)) {
    const content = el.textContent ?? '';
    if (typeof text === 'string' ? content.trim() === text : text.test(content)) return el as T;
  }
  return undefined;
}

export function button(root: ParentNode, name: string | RegExp): HTMLButtonElement | undefined {
  return byText<HTMLButtonElement>(root, 'button', name);
}

/** Sets a text field's value as typing would (React listens for the input event). */
export async function type(el: HTMLInputElement | HTMLSelectElement, value: string): Promise<void> {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  await act(async () => {
    if (setter) setter.call(el, value);
    else el.value = value;
    const kind = el.tagName === 'SELECT' ? 'change' : 'input';
    el.dispatchEvent(new (w().Event as unknown as typeof Event)(kind, { bubbles: true }));
  });
}

export async function click(el: HTMLElement | undefined): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => el.click());
}

/** Submits the form holding `el`, as pressing Enter in it does. */
export async function submit(form: HTMLFormElement): Promise<void> {
  await act(async () => {
    form.dispatchEvent(
      new (w().Event as unknown as typeof Event)('submit', { bubbles: true, cancelable: true }),
    );
  });
}
