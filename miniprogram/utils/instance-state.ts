/**
 * State that belongs to one page instance but must not live in `data` (it would be sent to the
 * view on every setData): created on first use, dropped with the page.
 */
export function perInstance<T>(create: () => T): (owner: object) => T {
  const states = new WeakMap<object, T>();
  return (owner) => {
    let state = states.get(owner);
    if (state === undefined) {
      state = create();
      states.set(owner, state);
    }
    return state;
  };
}
