import { z } from 'zod';
import { Provider, ProviderAssociation, ProviderCreate, ProviderUpdate } from '../entities/provider.js';
import { MessageResponse } from '../errors.js';
import { MAX_LENGTH, pathId, requiredText } from '../fields.js';
import { PageQuery, pageOf } from '../page.js';
import { defineProcedures } from './define.js';
import { SearchCriterionInput } from './search.js';

/** §4.4 messages, character for character. */
export const providerMessages = {
  notFound: (id: string) => `There is no Provider with the following id: ${id}`,
  notFoundExternal: (x: string) => `There is no Provider with external id: ${x}`,
  nameTaken: (name: string) => `There is a Provider with name: ${name}`,
  externalIdTaken: 'external_id already exists',
  eoscUpdate: 'You cannot update a Provider which derives from EOSC-Portal.',
  eoscDelete: 'You cannot delete a Provider which derives from EOSC-Portal.',
  inProjectUpdate: 'You cannot update a Provider which belongs to a Project.',
  inProjectDelete: 'You cannot delete a Provider which belongs to a Project.',
  deleted: 'Provider has been deleted successfully.',
} as const;

const IdInput = z.object({ id: pathId });
const ProviderPage = pageOf(Provider, 'ProviderPage');

// `external` and `all` come before `{id}`: the REST bridge takes the first path that matches.
export const providerProcedures = defineProcedures('Providers')({
  create: {
    name: 'provider_add',
    method: 'POST',
    path: '/providers',
    input: ProviderCreate,
    output: Provider,
    status: 201,
    summary: 'Create a provider',
    errors: [400, 403, 409, 415],
  },
  list: {
    name: 'provider_list',
    method: 'GET',
    path: '/providers',
    input: PageQuery,
    output: ProviderPage,
    summary: 'List providers',
    errors: [400, 403],
  },
  external: {
    name: 'provider_external_entry',
    method: 'GET',
    path: '/providers/external',
    input: z.object({ externalId: requiredText('externalId', MAX_LENGTH.id) }),
    output: Provider,
    summary: 'Get a provider by external id',
    errors: [400, 403, 404],
  },
  all: {
    name: 'provider_all_list',
    method: 'GET',
    path: '/providers/all',
    input: PageQuery,
    output: pageOf(ProviderAssociation, 'ProviderAssociationPage'),
    summary: 'List every (project, provider) association with its installations',
    errors: [400, 403],
  },
  search: {
    name: 'provider_search',
    method: 'POST',
    path: '/providers/search',
    jsonContentType: true,
    input: SearchCriterionInput,
    output: ProviderPage,
    summary: 'Search the providers associated with a project',
    errors: [400, 403, 415],
  },
  get: {
    name: 'provider_entry',
    method: 'GET',
    path: '/providers/{id}',
    input: IdInput,
    output: Provider,
    summary: 'Get a provider',
    errors: [403, 404],
  },
  update: {
    name: 'provider_update',
    method: 'PATCH',
    path: '/providers/{id}',
    input: ProviderUpdate,
    output: Provider,
    summary: 'Update a provider',
    errors: [400, 403, 404, 409, 415],
  },
  delete: {
    name: 'provider_delete',
    method: 'DELETE',
    path: '/providers/{id}',
    input: IdInput,
    output: MessageResponse,
    summary: 'Delete a provider',
    errors: [403, 404],
  },
});
