/**
 * Component tests run in Node with happy-dom as the document: `installDom()` puts a window's
 * globals where React expects them, `render()` mounts an element inside `act`, and the helpers
 * below type, click and wait the way a person's browser would deliver the events.
 * Import this module before React DOM.
 */
import { Window } from 'happy-dom';

let win: Window | undefined;

export function installDom(url = 'http://console.test/'): Window {
  if (win) return win;
  win = new Window({ url, width: 1280, height: 800 });
  const g = globalThis as Record<string, unknown>;
  // Everything the window has that Node lacks (document, HTMLElement, …). Node's own fetch,
  // URL, AbortController and timers stay: the client under test uses them.
  for (const key of Object.getOwnPropertyNames(win)) {
    if (key in g || key.startsWith('_')) continue;
    try {
      g[key] = (win as unknown as Record<string, unknown>)[key];
    } catch {
      // Some accessors throw outside a browsing context; React does not need them.
    }
  }
  // Events the app creates must be the document's, or dispatchEvent refuses them. Node 21+ has
  // a getter-only `navigator` of its own, so each is (re)defined rather than assigned.
  const define = (key: string, value: unknown) =>
    Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  define('Event', win.Event);
  define('CustomEvent', win.CustomEvent);
  define('window', win);
  define('document', win.document);
  define('navigator', win.navigator);
  g.IS_REACT_ACT_ENVIRONMENT = true;
  return win;
}

installDom();
