// The identity records, tokens and sign-in together, on a real RocksDB
// store: who gets which token, which scope and roles it carries, when it
// stops working, and what survives a restart.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

#include "identity/bootstrap.h"
#include "identity/directory.h"
#include "identity/key_repository.h"
#include "identity/sign_in.h"
#include "identity/token_authority.h"
#include "storage/clock.h"
#include "tests/support/temp_dir.h"

using namespace nimbus;
using identity::auth_request;
using identity::change;

namespace {

// One identity service's parts over a data directory; reopen() is a restart.
struct identity_fixture {
  test::temp_dir tmp;
  std::shared_ptr<storage::store> store;
  std::unique_ptr<identity::directory> dir;
  std::unique_ptr<identity::token_authority> tokens;
  std::unique_ptr<identity::sign_in> login;
  identity::lockout_options lockout{3, std::chrono::seconds(600), 2};
  std::chrono::seconds lifetime{3600};

  identity_fixture() {
    std::string why;
    REQUIRE_MESSAGE(identity::key_repository::create(tmp.sub("keys"), &why), why);
    reopen();
    auto booted = identity::bootstrap(*dir, *login, {"admin", "admin", "secret"}, &why);
    REQUIRE_MESSAGE(booted, why);
    CHECK(booted->created_admin);
    CHECK(booted->generated_password.empty());
  }

  void reopen() {
    login.reset();
    tokens.reset();
    dir.reset();
    store.reset();
    std::error_code ec;
    store = storage::open_rocksdb_store({tmp.sub("api")}, &ec);
    REQUIRE_MESSAGE(store, ec.message());
    dir = std::make_unique<identity::directory>(store);
    std::string why;
    tokens = identity::token_authority::open(tmp.sub("keys"), *dir, lifetime, &why);
    REQUIRE_MESSAGE(tokens, why);
    login = std::make_unique<identity::sign_in>(*dir, *tokens, lockout);
  }

  storage::project add_project(const std::string& name) {
    storage::project p;
    p.id = "p-" + name;
    p.name = name;
    p.domain_id = "default";
    REQUIRE(dir->put(p) == change::done);
    return p;
  }

  storage::user add_user(const std::string& name, const std::string& password) {
    storage::user u;
    u.id = "u-" + name;
    u.name = name;
    u.domain_id = "default";
    REQUIRE(login->set_password(u, password) == change::done);
    return *dir->user(u.id);
  }

  void grant(const std::string& user_id, const std::string& project_id, const std::string& role) {
    auto r = dir->role_named(role);
    REQUIRE(r);
    REQUIRE(dir->grant({user_id, project_id, "", r->id}) == change::done);
  }

  static auth_request password(const std::string& name, const std::string& pw,
                               const std::string& project = {}) {
    auth_request a;
    a.methods = {"password"};
    a.user.name = name;
    a.user.domain_name = "Default";
    a.password = pw;
    if (!project.empty()) {
      a.wants = auth_request::scope::project;
      a.project_name = project;
      a.project_domain_id = "default";
    }
    return a;
  }
};

bool holds(const identity::token_payload& p, const std::string& role) {
  return std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end();
}

} // namespace

TEST_CASE("the bootstrapped admin logs in with the admin role and the roles it implies") {
  identity_fixture f;
  auto r = f.login->authenticate(identity_fixture::password("admin", "secret", "admin"));
  REQUIRE(r.status == 201);
  CHECK(holds(r.payload, "admin"));
  CHECK(holds(r.payload, "member"));
  CHECK(holds(r.payload, "reader"));
  CHECK(r.payload.methods == std::vector<std::string>{"password"});
  auto valid = f.tokens->validate(r.token);
  REQUIRE(valid);
  CHECK(valid->project_id == f.dir->project_named("admin", "default")->id);
  CHECK(valid->expires_us - valid->issued_us == 3'600'000'000LL);
}

TEST_CASE("a wrong password, an unknown user and a role-less project all answer the same 401") {
  identity_fixture f;
  auto pid = f.add_project("demo").id;
  f.add_user("alice", "wonderland");
  auto wrong = f.login->authenticate(identity_fixture::password("alice", "nope", "demo"));
  auto unknown = f.login->authenticate(identity_fixture::password("nobody", "x", "demo"));
  auto no_role = f.login->authenticate(identity_fixture::password("alice", "wonderland", "demo"));
  for (auto* r : {&wrong, &unknown, &no_role}) {
    CHECK(r->status == 401);
    CHECK(r->message == "The request you have made requires authentication.");
    CHECK(r->token.empty());
  }
  f.grant("u-alice", pid, "reader");
  auto ok = f.login->authenticate(identity_fixture::password("alice", "wonderland", "demo"));
  REQUIRE(ok.status == 201);
  CHECK(ok.payload.roles == std::vector<std::string>{"reader"});
}

TEST_CASE("wrong passwords in a row lock the user, even against the right one") {
  identity_fixture f;
  f.grant(f.add_user("bob", "builder").id, f.add_project("site").id, "member");
  for (int i = 0; i < 2; ++i)
    CHECK(f.login->authenticate(identity_fixture::password("bob", "x", "site")).status == 401);
  // A right password before the limit forgives the count.
  CHECK(f.login->authenticate(identity_fixture::password("bob", "builder", "site")).status == 201);
  for (int i = 0; i < 3; ++i)
    CHECK(f.login->authenticate(identity_fixture::password("bob", "x", "site")).status == 401);
  CHECK(f.login->authenticate(identity_fixture::password("bob", "builder", "site")).status == 401);
}

TEST_CASE("a disabled user, project or domain signs in no more") {
  identity_fixture f;
  auto u = f.add_user("carol", "pw");
  auto p = f.add_project("lab");
  f.grant(u.id, p.id, "member");
  REQUIRE(f.login->authenticate(identity_fixture::password("carol", "pw", "lab")).status == 201);
  p.enabled = false;
  REQUIRE(f.dir->put(p) == change::done);
  CHECK(f.login->authenticate(identity_fixture::password("carol", "pw", "lab")).status == 401);
  CHECK(f.login->authenticate(identity_fixture::password("carol", "pw")).status == 201); // unscoped
  u = *f.dir->user(u.id);
  u.enabled = false;
  REQUIRE(f.dir->put(u) == change::done);
  CHECK(f.login->authenticate(identity_fixture::password("carol", "pw")).status == 401);
}

TEST_CASE("an unscoped request lands in the default project, else carries no roles") {
  identity_fixture f;
  auto u = f.add_user("dave", "pw");
  auto home = f.add_project("home");
  auto r = f.login->authenticate(identity_fixture::password("dave", "pw"));
  REQUIRE(r.status == 201);
  CHECK(r.payload.project_id.empty());
  CHECK(r.payload.roles.empty());
  f.grant(u.id, home.id, "member");
  u.default_project_id = home.id;
  REQUIRE(f.dir->put(u) == change::done);
  r = f.login->authenticate(identity_fixture::password("dave", "pw"));
  REQUIRE(r.status == 201);
  CHECK(r.payload.project_id == home.id);
  CHECK(holds(r.payload, "reader"));
}

TEST_CASE("rescoping by token keeps the expiry, adds the method and chains the audit ids") {
  identity_fixture f;
  auto u = f.add_user("erin", "pw");
  auto p = f.add_project("ops");
  f.grant(u.id, p.id, "member");
  auto first = f.login->authenticate(identity_fixture::password("erin", "pw"));
  REQUIRE(first.status == 201);
  auth_request again;
  again.methods = {"token"};
  again.token = first.token;
  again.wants = auth_request::scope::project;
  again.project_id = p.id;
  auto second = f.login->authenticate(again);
  REQUIRE(second.status == 201);
  CHECK(second.payload.project_id == p.id);
  CHECK(second.payload.expires_us == first.payload.expires_us);
  CHECK(second.payload.methods == std::vector<std::string>{"password", "token"});
  CHECK(second.payload.parent_audit_id == first.payload.audit_id);
  // Revoking the scoped token leaves the one it came from; not the other way round.
  REQUIRE(f.tokens->revoke_token(second.payload));
  CHECK_FALSE(f.tokens->validate(second.token));
  CHECK(f.tokens->validate(first.token));
  auto third = f.login->authenticate(again);
  REQUIRE(third.status == 201);
  REQUIRE(f.tokens->revoke_token(first.payload));
  CHECK_FALSE(f.tokens->validate(third.token));
  again.token = first.token;
  CHECK(f.login->authenticate(again).status == 404);
}

TEST_CASE("revocations hold across a restart; a password change revokes the user's tokens") {
  identity_fixture f;
  auto u = f.add_user("frank", "old");
  auto p = f.add_project("web");
  f.grant(u.id, p.id, "member");
  auto a = f.login->authenticate(identity_fixture::password("frank", "old", "web"));
  auto b = f.login->authenticate(identity_fixture::password("frank", "old", "web"));
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  REQUIRE(f.tokens->revoke_token(a.payload));
  f.reopen();
  CHECK_FALSE(f.tokens->validate(a.token));
  CHECK(f.tokens->validate(b.token)); // the keys survive too
  REQUIRE(f.login->set_password(*f.dir->user(u.id), "new") == change::done);
  CHECK_FALSE(f.tokens->validate(b.token));
  CHECK(f.login->authenticate(identity_fixture::password("frank", "old", "web")).status == 401);
  auto c = f.login->authenticate(identity_fixture::password("frank", "new", "web"));
  REQUIRE(c.status == 201);
  CHECK(f.tokens->validate(c.token));
}

TEST_CASE("a token dies with its lifetime, and a rotated key repository still opens it") {
  identity_fixture f;
  f.lifetime = std::chrono::seconds(0);
  f.reopen();
  auto r = f.login->authenticate(identity_fixture::password("admin", "secret", "admin"));
  REQUIRE(r.status == 201);
  identity::token_problem why{};
  CHECK_FALSE(f.tokens->validate(r.token, &why));
  CHECK(why == identity::token_problem::expired);

  f.lifetime = std::chrono::seconds(3600);
  f.reopen();
  r = f.login->authenticate(identity_fixture::password("admin", "secret", "admin"));
  REQUIRE(r.status == 201);
  std::string err;
  REQUIRE(identity::key_repository::rotate(f.tmp.sub("keys"), 3, &err));
  CHECK(f.tokens->validate(r.token)); // the old primary still decrypts
  auto after = f.login->authenticate(identity_fixture::password("admin", "secret", "admin"));
  REQUIRE(after.status == 201);
  CHECK(f.tokens->validate(after.token));
  REQUIRE(identity::key_repository::rotate(f.tmp.sub("keys"), 3, &err));
  REQUIRE(identity::key_repository::rotate(f.tmp.sub("keys"), 3, &err));
  f.reopen();
  CHECK_FALSE(f.tokens->validate(r.token, &why)); // its key was pruned
  CHECK(why == identity::token_problem::malformed);
}

TEST_CASE("an application credential signs in to its project with its roles only") {
  identity_fixture f;
  auto u = f.add_user("gina", "pw");
  auto p = f.add_project("batch");
  f.grant(u.id, p.id, "member");
  storage::application_credential c;
  c.id = "ac1";
  c.name = "cron";
  c.user_id = u.id;
  c.project_id = p.id;
  c.secret_hash = f.login->hash("s3cret");
  c.role_ids = {f.dir->role_named("reader")->id};
  REQUIRE(f.dir->put(c) == change::done);
  auth_request by_id;
  by_id.methods = {"application_credential"};
  by_id.app_cred_id = "ac1";
  by_id.app_cred_secret = "s3cret";
  auto r = f.login->authenticate(by_id);
  REQUIRE(r.status == 201);
  CHECK(r.payload.project_id == p.id);
  CHECK(r.payload.roles == std::vector<std::string>{"reader"});
  CHECK(r.payload.app_cred_id == "ac1");
  auth_request by_name = by_id;
  by_name.app_cred_id.clear();
  by_name.app_cred_name = "cron";
  by_name.user.id = u.id;
  CHECK(f.login->authenticate(by_name).status == 201);
  by_id.app_cred_secret = "guess";
  CHECK(f.login->authenticate(by_id).status == 401);
  // A token made from it cannot be rescoped.
  auth_request rescope;
  rescope.methods = {"token"};
  rescope.token = r.token;
  CHECK(f.login->authenticate(rescope).status == 403);
  // Revoking the credential revokes the tokens made from it, and only those.
  auto other = f.login->authenticate(identity_fixture::password("gina", "pw", "batch"));
  REQUIRE(other.status == 201);
  REQUIRE(f.tokens->validate(r.token));
  REQUIRE(f.tokens->revoke_application_credential("ac1"));
  CHECK_FALSE(f.tokens->validate(r.token));
  CHECK(f.tokens->validate(other.token));
  // Deleting the user takes its credential along.
  REQUIRE(f.dir->erase_user(u.id) == change::done);
  CHECK_FALSE(f.dir->application_credential("ac1"));
  by_id.app_cred_secret = "s3cret";
  CHECK(f.login->authenticate(by_id).status == 401);
}

TEST_CASE("names are unique where Keystone says, and erasing cascades to assignments") {
  identity_fixture f;
  auto p = f.add_project("dup");
  storage::project twin = p;
  twin.id = "p-twin";
  CHECK(f.dir->put(twin) == change::conflict);
  storage::user orphan;
  orphan.id = "u-orphan";
  orphan.name = "orphan";
  orphan.domain_id = "no-such-domain";
  CHECK(f.dir->put(orphan) == change::not_found);
  auto u = f.add_user("hal", "pw");
  f.grant(u.id, p.id, "member");
  f.grant(u.id, p.id, "member"); // idempotent
  CHECK(f.dir->role_ids_on(u.id, p.id, "").size() == 1);
  REQUIRE(f.dir->erase_project(p.id) == change::done);
  CHECK(f.dir->role_ids_on(u.id, p.id, "").empty());
  f.reopen();
  CHECK_FALSE(f.dir->project(p.id));
  CHECK(f.dir->user(u.id));
  for (auto& a : f.dir->assignments())
    CHECK(a.project_id != p.id);
}

TEST_CASE("bootstrap is idempotent and generates a password that works when none is given") {
  identity_fixture f;
  std::string why;
  auto again = identity::bootstrap(*f.dir, *f.login, {"admin", "admin", "other"}, &why);
  REQUIRE(again);
  CHECK_FALSE(again->created_admin);
  CHECK(f.login->authenticate(identity_fixture::password("admin", "secret", "admin")).status
        == 201); // the first password stays
  auto fresh = identity::bootstrap(*f.dir, *f.login, {"root", "ops", ""}, &why);
  REQUIRE(fresh);
  CHECK(fresh->created_admin);
  REQUIRE(fresh->generated_password.size() >= 16);
  CHECK(f.login->authenticate(identity_fixture::password("root", fresh->generated_password, "ops"))
          .status
        == 201);
}

TEST_CASE("a token whose sign-in began before a revocation is revoked by it") {
  identity_fixture f;
  auto u = f.add_user("ivan", "pw");
  auto began = storage::now_us() - 1;   // the sign-in reads the user...
  REQUIRE(f.tokens->revoke_user(u.id)); // ...a password change lands meanwhile...
  identity::token_payload p;
  p.user_id = u.id;
  p.methods = {"password"};
  auto token = f.tokens->issue(&p, 0, began); // ...and its token is issued after
  CHECK(p.issued_us == began);
  CHECK_FALSE(f.tokens->validate(token));
  identity::token_payload later;
  later.user_id = u.id;
  CHECK(f.tokens->validate(f.tokens->issue(&later)));
}

TEST_CASE("password checks outside sign-in count against the lockout too") {
  identity_fixture f;
  auto u = f.add_user("judy", "right");
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(f.login->check_password(u, "wrong"));
  CHECK_FALSE(f.login->check_password(u, "right")); // locked
  CHECK(f.login->authenticate(identity_fixture::password("judy", "right")).status == 401);
}

TEST_CASE("an application credential of a disabled domain's user signs in no more") {
  identity_fixture f;
  storage::domain d;
  d.id = "d-lab";
  d.name = "lab";
  REQUIRE(f.dir->put(d) == change::done);
  storage::project p;
  p.id = "p-lab";
  p.name = "lab";
  p.domain_id = d.id;
  REQUIRE(f.dir->put(p) == change::done);
  storage::user u;
  u.id = "u-kim";
  u.name = "kim";
  u.domain_id = d.id;
  REQUIRE(f.login->set_password(u, "pw") == change::done);
  f.grant(u.id, p.id, "member");
  storage::application_credential c;
  c.id = "ac-kim";
  c.name = "ci";
  c.user_id = u.id;
  c.project_id = p.id;
  c.secret_hash = f.login->hash("s");
  c.role_ids = {f.dir->role_named("member")->id};
  REQUIRE(f.dir->put(c) == change::done);
  auth_request a;
  a.methods = {"application_credential"};
  a.app_cred_id = c.id;
  a.app_cred_secret = "s";
  CHECK(f.login->authenticate(a).status == 201);
  d.enabled = false;
  REQUIRE(f.dir->put(d) == change::done);
  CHECK(f.login->authenticate(a).status == 401);
}

TEST_CASE("revoking a domain revokes the tokens scoped to it, whoever holds them") {
  identity_fixture f;
  storage::domain d;
  d.id = "d-ops";
  d.name = "ops";
  REQUIRE(f.dir->put(d) == change::done);
  auto admin = f.dir->user_named("admin", "default");
  REQUIRE(f.dir->grant({admin->id, "", d.id, f.dir->role_named("admin")->id}) == change::done);
  auth_request a = identity_fixture::password("admin", "secret");
  a.wants = auth_request::scope::domain;
  a.domain_id = d.id;
  auto scoped = f.login->authenticate(a);
  REQUIRE(scoped.status == 201);
  CHECK(scoped.payload.domain_id == d.id);
  auto elsewhere = f.login->authenticate(identity_fixture::password("admin", "secret", "admin"));
  REQUIRE(f.tokens->revoke_domain(d.id));
  CHECK_FALSE(f.tokens->validate(scoped.token));
  CHECK(f.tokens->validate(elsewhere.token));
}
