// Bankline keeps one opaque string per bank login (Connection.providerLoginId), while every
// Mastercard call about a login names both the customer and the institution login. So the
// login id Bankline stores is `<customerId>:<institutionLoginId>` (the provider's ids,
// numeric today), and each call splits it again.

export interface MastercardLogin {
  customerId: string;
  institutionLoginId: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeLoginId(customerId: string | number, institutionLoginId: string | number): string {
  return `${customerId}:${institutionLoginId}`;
}

/** The two ids of a login id, or null when it is not one of this provider's. */
export function decodeLoginId(loginId: string): MastercardLogin | null {
  const [customerId, institutionLoginId, ...rest] = loginId.split(":");
  if (rest.length > 0 || !customerId || !institutionLoginId || !ID.test(customerId) || !ID.test(institutionLoginId))
    return null;
  return { customerId, institutionLoginId };
}
