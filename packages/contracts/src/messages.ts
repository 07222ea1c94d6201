import { PAGE_SIZE } from './limits.js';

/**
 * Every user-facing message of the spec in one catalogue. Clients parse these strings, so they are
 * contracts: change them only together with the spec.
 */
export const messages = {
  bodyEmpty: 'The request body is empty.',
  contentType: 'Cannot consume content type.',
  forbidden: 'The authenticated client is not permitted to perform the requested operation.',
  notFoundRoute: 'Not found',
  pageNumber: 'Page number must be >= 1.',
  pageSize: `Page size must be between 1 and ${PAGE_SIZE.max}.`,
  pageSizeSearch: `Page size must be between 1 and ${PAGE_SIZE.maxSearch}.`,
  missingToken: 'Missing bearer token.',
  tokenExpired: 'The access token has expired.',
  tokenInvalid: 'The access token is invalid.',
  issuerUntrusted: 'The access token issuer is not trusted.',
  missingIss: "Missing 'iss' claim in access token.",
  missingCallerId: (personClaim: string, serviceClaim: string) =>
    `Unique identifiers [${personClaim}, ${serviceClaim}] weren't present in the access token.`,
  internal: 'An unexpected error occurred.',

  typeCatalogue: {
    exists: (label: string, id: string) => `This ${label} already exists in the Accounting Service database. Its id is ${id}`,
    notFound: (label: string, id: string) => `There is no ${label} with the following id: ${id}`,
    seededUpdate: (label: string) => `You cannot update a ${label} registered by Accounting Service.`,
    seededDelete: (label: string) => `You cannot delete a ${label} registered by Accounting Service.`,
    inUseUpdate: (label: string) => `This ${label} is used in an existing Metric Definition, so you cannot update it.`,
    inUseDelete: (label: string) => `This ${label} is used in an existing Metric Definition, so you cannot delete it.`,
    deleted: (label: string) => `${label} has been deleted successfully.`,
  },
} as const;
