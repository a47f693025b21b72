// drive.mjs drives a simulated org (retainctl sim) with Genesys' own
// JavaScript SDK and prints what it saw as one JSON object:
//
//   SIM_URL=http://127.0.0.1:8765 SIM_CLIENT_ID=retainctl-demo \
//   SIM_CLIENT_SECRET=retainctl-demo-secret node drive.mjs path/to/rich-policy.json
//
// SIM_JOB_QUERY may hold the RecordingJobsQuery to create (JSON); the
// default is a DELETE job over last year's inbound voice recordings.
// SIM_PROTECT_IDS may hold comma-separated conversation ids (at least two)
// to protect, query and release through the deletion-protection calls.
// It exits non-zero on anything unexpected. reconcile/sim/sdk_test.go runs it.
import { readFileSync } from 'node:fs';
import platformClient from 'purecloud-platform-client-v2';

const { SIM_URL, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_JOB_QUERY, SIM_PROTECT_IDS } = process.env;
const policyPath = process.argv[2];
if (!SIM_URL || !SIM_CLIENT_ID || !SIM_CLIENT_SECRET || !policyPath) {
	console.error('usage: SIM_URL=... SIM_CLIENT_ID=... SIM_CLIENT_SECRET=... node drive.mjs rich-policy.json');
	process.exit(2);
}

// differences lists the paths where got differs from want.
function differences(want, got, path = '') {
	if (want !== null && got !== null && typeof want === 'object' && typeof got === 'object' &&
		Array.isArray(want) === Array.isArray(got)) {
		const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
		return [...keys].flatMap(k => differences(want[k], got[k], Array.isArray(want) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
	}
	return Object.is(want, got) ? [] : [`${path}: sent ${JSON.stringify(want)}, got ${JSON.stringify(got)}`];
}

// refused runs a call that should fail and returns what the SDK surfaces:
// with extended responses it rejects with the HTTP status and the body.
async function refused(client, call) {
	client.setReturnExtendedResponses(true);
	try {
		return { unexpectedSuccess: (await call()).body };
	} catch (err) {
		if (err instanceof Error) throw err; // a bug here, not an API answer
		const body = err.body ?? {};
		return { httpStatus: err.status, status: body.status, code: body.code, fieldName: body.details?.[0]?.fieldName, message: body.message };
	} finally {
		client.setReturnExtendedResponses(false);
	}
}

// directory looks names up the way retainctl does, through the SDK's own
// calls, and returns the names each answered (and the team cursor).
async function directory(client) {
	const routing = new platformClient.RoutingApi();
	const names = l => (l.entities ?? []).map(e => e.name);
	const out = {};
	out.queues = names(await routing.getRoutingQueues({ name: 'Collections*', pageSize: 100, pageNumber: 1 }));
	out.queuesByID = names(await routing.getRoutingQueues({ id: ['5b7b5a0e-0d4e-4c2b-9a51-4a1f2c3d4e01'] }));
	out.wrapupCodes = names(await routing.getRoutingWrapupcodes({ name: 'Dispute', pageSize: 100 }));
	out.wrapupCode = (await routing.getRoutingWrapupcode('9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e05')).name;
	out.languages = names(await routing.getRoutingLanguages({ name: 'Span' }));
	const teamsApi = new platformClient.TeamsApi();
	const teams = await teamsApi.getTeams({ name: 'tier', pageSize: 1 });
	const after = teams.nextUri ? new URL(teams.nextUri, 'http://x').searchParams.get('after') : null;
	const more = after ? await teamsApi.getTeams({ name: 'tier', pageSize: 1, after }) : {};
	out.teams = [...names(teams), ...names(more)];
	const search = await new platformClient.UsersApi().postUsersSearch({
		pageSize: 100, pageNumber: 1, query: [{ type: 'EXACT', fields: ['name', 'email'], value: 'Sam Lee' }],
	});
	out.users = { total: search.total, pageCount: search.pageCount, types: search.types, emails: (search.results ?? []).map(u => u.email).sort() };
	out.usersByID = names(await new platformClient.UsersApi().getUsers({ id: (search.results ?? []).map(u => u.id), state: 'any' }));
	out.badState = await refused(client, () => new platformClient.UsersApi().getUsers({ state: 'gone' }));
	return out;
}

async function main() {
	const url = new URL(SIM_URL);
	const client = platformClient.ApiClient.instance;
	client.setGateway({ host: url.hostname, protocol: url.protocol.replace(':', ''), port: Number(url.port || -1) });
	await client.loginClientCredentialsGrant(SIM_CLIENT_ID, SIM_CLIENT_SECRET);

	const recording = new platformClient.RecordingApi();
	const out = {};

	// The rich policy comes back as it was sent.
	const sent = JSON.parse(readFileSync(policyPath, 'utf8'));
	const created = await recording.postRecordingMediaretentionpolicies(sent);
	const got = await recording.getRecordingMediaretentionpolicy(created.id);
	for (const k of ['id', 'createdDate', 'modifiedDate', 'selfUri']) delete got[k];
	const diff = differences(sent, got);
	out.richPolicy = { id: created.id, equal: diff.length === 0, differences: diff };

	// answered runs a call that should succeed and returns the HTTP status and
// the body the SDK hands back.
async function answered(client, call) {
	client.setReturnExtendedResponses(true);
	try {
		const res = await call();
		return { httpStatus: res.status, body: res.body ?? null };
	} finally {
		client.setReturnExtendedResponses(false);
	}
}

// protection protects the first two of ids (protect left to its default),
// asks which of ids are protected, releases the first, asks again, and
// tries a body with an unknown field and one with too many ids.
async function protection(client, recording, ids) {
	const ids2 = ids.slice(0, 2);
	const out = {};
	out.protect = await answered(client, () => recording.putRecordingsDeletionprotection({ body: { conversationIds: ids2 } }));
	out.afterProtect = await recording.postRecordingsDeletionprotection({ conversationIds: ids });
	out.release = await answered(client, () => recording.putRecordingsDeletionprotection({ protect: false, body: { conversationIds: [ids[0]] } }));
	out.afterRelease = await recording.postRecordingsDeletionprotection({ conversationIds: ids });
	out.unknownField = await refused(client, () => recording.postRecordingsDeletionprotection({ conversationIds: ids, recordingIds: ['r'] }));
	const many = Array.from({ length: 101 }, (_, i) => `conversation-${i}`);
	out.tooMany = await refused(client, () => recording.putRecordingsDeletionprotection({ protect: true, body: { conversationIds: many } }));
	return out;
}

// A field the model lacks is refused, naming it.
	out.unknownField = await refused(client, () => recording.postRecordingMediaretentionpolicies(
		{ name: 'unknown field', conditions: { languages: [{ id: 'l1' }] } }));

	// A job with segment filter clauses reaches READY.
	const year = new Date().getUTCFullYear();
	const query = SIM_JOB_QUERY ? JSON.parse(SIM_JOB_QUERY) : {
		action: 'DELETE', actionAge: 1,
		conversationQuery: {
			interval: `${year - 1}-01-01T00:00:00Z/${year}-01-01T00:00:00Z`,
			segmentFilters: [{
				type: 'and', predicates: [{ dimension: 'mediaType', value: 'voice' }],
				clauses: [{ type: 'or', predicates: [{ dimension: 'direction', value: 'inbound' }] }],
			}],
		},
	};
	let job = await recording.postRecordingJobs(query);
	const states = [job.state];
	for (let i = 0; i < 20 && job.state !== 'READY' && job.state !== 'FAILED'; i++) {
		job = await recording.getRecordingJob(job.id);
		states.push(job.state);
	}
	out.job = { id: job.id, state: job.state, states, totalRecordings: job.totalRecordings, recordingJobsQuery: job.recordingJobsQuery };
	const jobs = await recording.getRecordingJobs({ pageSize: 25, pageNumber: 1 });
	out.jobs = { total: jobs.total, ids: (jobs.entities ?? []).map(j => j.id) };

	if (SIM_PROTECT_IDS) out.protection = await protection(client, recording, SIM_PROTECT_IDS.split(','));

	// The directory lookups a policy written by name resolves through.
	out.directory = await directory(client);

	// Who the client is.
	const me = await new platformClient.OrganizationApi().getOrganizationsMe();
	out.organization = { id: me.id, defaultCountryCode: me.defaultCountryCode };
	const products = await new platformClient.AuthorizationApi().getAuthorizationProducts();
	out.products = { total: products.total, entities: products.entities };
	const token = await new platformClient.TokensApi().getTokensMe();
	out.token = { OAuthClient: token.OAuthClient, organization: token.organization };

	process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}

main().catch(err => {
	console.error('drive.mjs:', err instanceof Error ? err.stack : JSON.stringify(err));
	process.exit(1);
});
