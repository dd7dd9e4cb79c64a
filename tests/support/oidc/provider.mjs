// A real OpenID Connect provider (node oidc-provider) for Parcimonie's sign-in tests.
//
// Usage: node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// Listens on 127.0.0.1:PORT (issuer http://127.0.0.1:PORT) and prints "READY <issuer>" once it does.
// Accounts are the test users below: their login is their sub, their groups go into the identity token
// (scope "groups"). The sign-in form is the library's development form; the consent is given at once.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const ACCOUNTS = {
  ada: { email: 'ada@mairie.test', groups: ['parcimonie-admins'] },
  denis: { email: 'denis@mairie.test', groups: ['dsi'] },
  fanny: { email: 'fanny@mairie.test', groups: ['finances'] },
  lea: { email: 'lea@mairie.test', groups: ['agents'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  scopes: ['openid', 'email', 'groups', 'profile'],
  conformIdTokenClaims: false, // the groups claim goes into the identity token Streamlit reads
  pkce: { required: () => false },
  cookies: { keys: ['parcimonie-test-cookie-key'] },
  async findAccount(ctx, sub) {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: true, groups: account.groups };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // a first-party client: every scope and claim asked is granted without a consent screen
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (ctx, err) => { console.error('server_error', err); });

const server = provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { server.close(); process.exit(0); });
}
