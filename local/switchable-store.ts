/**
 * Wraps the embedded store so the local stack can make it unavailable on demand
 * (POST /local/store {"available": false}): how one tests that a call-back gets a 5xx while the
 * database is down and settles when OTT Pay retries.
 */
import { type OrderStore, StoreUnavailableError } from '../server/orders/store';

export interface SwitchableStore {
  store: OrderStore;
  setAvailable(available: boolean): void;
  isAvailable(): boolean;
}

export function switchableStore(inner: OrderStore): SwitchableStore {
  let available = true;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!available) return Promise.reject(new StoreUnavailableError('the local store is switched off'));
        return value.apply(target, args);
      };
    },
  });
  return { store, setAvailable: (next) => (available = next), isAvailable: () => available };
}
