/**
 * The real CloudBase SDKs bound to a local database in-process (the functions reach it over HTTP,
 * through the TCB_CONTEXT_CNFG the local runtime sets). The seam is the request class of
 * @cloudbase/database (`Db.reqClass`): every query the SDK builds is serialised exactly as on the
 * wire and handed to the database without HTTP.
 */
import { createCloudBaseStore, type CloudBaseDatabaseLike } from '../../server/orders/cloudbase-store';
import type { OrderStore } from '../../server/orders/store';
import type { LocalCloudBaseDatabase } from './database';

type Doc = Record<string, unknown>;
type Requester = { send(api: string, data: Doc, opts?: unknown): Promise<unknown> };
type RequesterClass = new (config: Doc) => Requester;

// The SDK's own pieces, pinned by the exact version in package.json.
const { Db } = require('@cloudbase/database') as { Db: { reqClass: RequesterClass } };
const { TcbDBApiHttpRequester } = require('@cloudbase/node-sdk/dist/utils/tcbdbapirequester') as { TcbDBApiHttpRequester: RequesterClass };
const sdkUtils = require('@cloudbase/node-sdk/dist/utils/utils') as { processReturn(result: Doc): unknown; E(error: Doc): Error };

const inProcess = new Map<string, LocalCloudBaseDatabase>();
let nextEnv = 0;

/** Hands requests for a registered environment to its database, and the rest to the SDK's HTTP requester. */
class RoutingRequester implements Requester {
  private readonly database: LocalCloudBaseDatabase | undefined;
  private readonly http: Requester | undefined;

  constructor(private readonly config: Doc) {
    this.database = inProcess.get(String(config.envName ?? config.env ?? ''));
    this.http = this.database ? undefined : new TcbDBApiHttpRequester(config);
  }

  async send(api: string, data: Doc, opts?: unknown): Promise<unknown> {
    if (!this.database) return this.http!.send(api, data, opts);
    // the body goes through JSON as on the wire: what cannot be serialised does not arrive
    const params = JSON.parse(JSON.stringify({ ...data, action: api, envName: this.config.envName })) as Doc;
    const reply = await this.database.handle(params);
    if (reply.kind === 'lost') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (reply.kind === 'status') throw sdkUtils.E({ code: reply.status, message: `${reply.status} | local database` });
    const body = reply.body;
    return body.code ? sdkUtils.processReturn(body) : body;
  }
}

/** The SDK resets the request class each time a database is made; this puts the router back. */
function installRouter(): void {
  Db.reqClass = RoutingRequester;
}

export type SdkName = 'wx-server-sdk' | 'node-sdk';

/** A database of the named SDK whose requests go, in-process, to `database`. */
export function inProcessDatabase(database: LocalCloudBaseDatabase, sdk: SdkName): CloudBaseDatabaseLike {
  nextEnv += 1;
  const env = `local-in-process-${nextEnv}`;
  inProcess.set(env, database);
  let db: CloudBaseDatabaseLike;
  if (sdk === 'wx-server-sdk') {
    const cloud = require('wx-server-sdk') as { init(config: { env: string }): void; database(config: { env: string }): unknown };
    cloud.init({ env });
    db = cloud.database({ env }) as CloudBaseDatabaseLike;
  } else {
    const tcb = require('@cloudbase/node-sdk') as { init(options: object): { database(): unknown } };
    db = tcb.init({ env, secretId: 'local', secretKey: 'local' }).database() as CloudBaseDatabaseLike;
  }
  installRouter();
  return db;
}

/** The production order store over a local database, through node-sdk in-process (what the local tools use). */
export function localOrderStore(database: LocalCloudBaseDatabase, options: { now?: () => Date } = {}): OrderStore {
  return createCloudBaseStore(inProcessDatabase(database, 'node-sdk'), { wrapWrites: false, now: options.now });
}

/** Forgets an in-process binding (its database is closed). */
export function releaseInProcess(database: LocalCloudBaseDatabase): void {
  for (const [env, bound] of inProcess) if (bound === database) inProcess.delete(env);
}
