/** Paginated lists: `?limit=&continue=` in, `metadata.continue` out until the last page. */
export interface Page<T> {
  items: T[];
  metadata: { continue?: string | undefined };
}

export interface PageQuery {
  limit?: number | undefined;
  continue?: string | undefined;
}

/** Every item of a list, page after page. */
export async function* eachItem<T>(
  fetchPage: (query: PageQuery) => Promise<Page<T>>,
  limit?: number,
): AsyncGenerator<T> {
  let next: string | undefined;
  do {
    const page = await fetchPage({ limit, continue: next });
    yield* page.items;
    next = page.metadata.continue || undefined;
  } while (next !== undefined);
}

export async function collectAll<T>(
  fetchPage: (query: PageQuery) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  for await (const item of eachItem(fetchPage)) items.push(item);
  return items;
}
