import { mkdtemp, rm } from 'fs/promises';
import os from 'os';
import path from 'path';
import { LocalCloudBaseDatabase } from '../../../local/cloudbase/database';
import { inProcessDatabase, releaseInProcess, type SdkName } from '../../../local/cloudbase/sdk-bindings';
import { createCloudBaseStore } from '../../../server/orders/cloudbase-store';
import { COLLECTIONS } from '../../../server/orders/store';
import { orderStoreContract } from '../../server/orders/store-contract';

async function openDatabase(): Promise<{ database: LocalCloudBaseDatabase; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'local-cloudbase-'));
  const database = new LocalCloudBaseDatabase({ dir });
  for (const name of Object.values(COLLECTIONS)) await database.createCollection(name);
  return { database, dir };
}

for (const sdk of ['wx-server-sdk', 'node-sdk'] as SdkName[]) {
  orderStoreContract(`cloudbase-store through ${sdk} against the local CloudBase database`, async (now) => {
    const { database, dir } = await openDatabase();
    const store = createCloudBaseStore(inProcessDatabase(database, sdk), { wrapWrites: sdk === 'wx-server-sdk', now });
    return {
      store,
      putOrderDocument: async (doc) => {
        await database.putDocument(COLLECTIONS.orders, doc);
        return store;
      },
      orderDocument: async (id) => (await database.documents(COLLECTIONS.orders)).find((d) => d._id === id),
      breakBackend: () => {
        database.unavailable = true;
      },
      dispose: async () => {
        database.close();
        releaseInProcess(database);
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
}
