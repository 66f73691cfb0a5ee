/**
 * The CloudBase user calling from the merchant's native app, read exactly as @cloudbase/node-sdk's
 * auth().getUserInfo() reads it (the variables TCB_CONTEXT_KEYS lists), without loading that SDK
 * into every function.
 */
export interface AppUser {
  uid: string;
  customUserId: string;
  isAnonymous: boolean;
}

export function appUser(env: NodeJS.ProcessEnv = process.env): AppUser {
  const listed = new Set((env.TCB_CONTEXT_KEYS ?? '').split(','));
  const read = (name: string) => (listed.has(name) ? env[name] : undefined);
  return { uid: read('TCB_UUID') || '', customUserId: read('TCB_CUSTOM_USER_ID') || '', isAnonymous: read('TCB_ISANONYMOUS_USER') === 'true' };
}

/** The app user's own id: the merchant's (custom login) when set, CloudBase's uid otherwise; '' when none. */
export function appUserId(user: AppUser): string {
  return user.customUserId || user.uid;
}
