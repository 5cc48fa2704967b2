// The token key directory: set-up, Keystone's rotation, pruning, and refusal
// of key files that are not what they should be.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <sys/stat.h>

#include "identity/key_repository.h"
#include "identity/token_codec.h"
#include "tests/support/temp_dir.h"

using namespace nimbus::identity;
namespace fs = std::filesystem;

namespace {

std::set<std::string> names_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    out.insert(entry.path().filename().string());
  }
  return out;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777U;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

key_repository must_open(const std::string& dir) {
  std::string why;
  auto repo = key_repository::open(dir, &why);
  REQUIRE_MESSAGE(repo.has_value(), why);
  return *repo;
}

} // namespace

TEST_CASE("key_repository: create makes a private staged key 0 and primary key 1") {
  nimbus::test::temp_dir tmp;
  const std::string dir = tmp.sub("identity/token_keys"); // parents made too
  std::string why;
  REQUIRE_MESSAGE(key_repository::create(dir, &why), why);
  CHECK(names_in(dir) == std::set<std::string>{"0", "1"});
  CHECK(mode_of(dir) == 0700U);
  CHECK(mode_of(dir + "/0") == 0600U);
  CHECK(mode_of(dir + "/1") == 0600U);
  CHECK(fs::file_size(dir + "/1") == 45); // 44 characters of base64url and a newline
  const auto repo = must_open(dir);
  CHECK(repo.primary_index() == 1);
  CHECK(repo.decryption_keys().size() == 2);
  CHECK(repo.primary() != repo.staged());
  CHECK(repo.decryption_keys().front() == repo.primary());

  // Again: a no-op that keeps the keys.
  REQUIRE(key_repository::create(dir, &why));
  const auto again = must_open(dir);
  CHECK(again.primary() == repo.primary());
  CHECK(again.staged() == repo.staged());
}

TEST_CASE("key_repository: create completes a set-up a crash interrupted") {
  nimbus::test::temp_dir tmp;
  const std::string dir = tmp.sub("keys");
  std::string why;
  REQUIRE(key_repository::create(dir, &why));
  const auto before = must_open(dir);
  fs::remove(dir + "/1");
  write_file(dir + "/.key-Ab12Cd", "half-written");
  ::chmod(dir.c_str(), 0755);
  CHECK_FALSE(key_repository::open(dir, &why).has_value()); // no primary
  REQUIRE_MESSAGE(key_repository::create(dir, &why), why);
  CHECK(names_in(dir) == std::set<std::string>{"0", "1"}); // and the temporary swept
  CHECK(mode_of(dir) == 0700U);
  const auto after = must_open(dir);
  CHECK(after.staged() == before.staged());
  CHECK(after.primary() != before.primary());
}

TEST_CASE("key_repository: rotate promotes the staged key and stages a new one") {
  nimbus::test::temp_dir tmp;
  const std::string dir = tmp.sub("keys");
  std::string why;
  REQUIRE(key_repository::create(dir, &why));
  const auto before = must_open(dir);
  REQUIRE_MESSAGE(key_repository::rotate(dir, 3, &why), why);
  CHECK(names_in(dir) == std::set<std::string>{"0", "1", "2"});
  const auto after = must_open(dir);
  CHECK(after.primary_index() == 2);
  CHECK(after.primary() == before.staged());
  CHECK(after.staged() != before.staged());
  CHECK(after.staged() != before.primary());
  REQUIRE(after.decryption_keys().size() == 3);
  CHECK(after.decryption_keys()[1] == before.primary()); // the secondary
  CHECK(mode_of(dir + "/2") == 0600U);
  CHECK(mode_of(dir + "/0") == 0600U);
}

TEST_CASE("key_repository: max_active_keys removes the oldest secondaries") {
  nimbus::test::temp_dir tmp;
  const std::string dir = tmp.sub("keys");
  std::string why;
  REQUIRE(key_repository::create(dir, &why));
  REQUIRE(key_repository::rotate(dir, 3, &why));
  CHECK(names_in(dir) == std::set<std::string>{"0", "1", "2"});
  REQUIRE(key_repository::rotate(dir, 3, &why));
  CHECK(names_in(dir) == std::set<std::string>{"0", "2", "3"});
  REQUIRE(key_repository::rotate(dir, 4, &why));
  CHECK(names_in(dir) == std::set<std::string>{"0", "2", "3", "4"});
  REQUIRE(key_repository::rotate(dir, 2, &why)); // down to staged and primary
  CHECK(names_in(dir) == std::set<std::string>{"0", "5"});
  CHECK(must_open(dir).primary_index() == 5);

  CHECK_FALSE(key_repository::rotate(dir, 1, &why)); // would drop the primary
  CHECK(why.find("max_active_keys") != std::string::npos);
  CHECK(names_in(dir) == std::set<std::string>{"0", "5"});
}

TEST_CASE("key_repository: a token outlives a rotation while its key is kept") {
  nimbus::test::temp_dir tmp;
  const std::string dir = tmp.sub("keys");
  std::string why;
  REQUIRE(key_repository::create(dir, &why));
  token_payload p;
  p.user_id = "u1";
  p.audit_id = random_audit_id();
  const std::string token = seal(p, must_open(dir)); // under key 1
  REQUIRE(key_repository::rotate(dir, 3, &why));     // 0, 1, 2: key 1 is a secondary
  const auto kept = open(token, must_open(dir));
  REQUIRE(kept.has_value());
  CHECK(kept->user_id == "u1");
  REQUIRE(key_repository::rotate(dir, 3, &why)); // 0, 2, 3: key 1 is gone
  CHECK_FALSE(open(token, must_open(dir)).has_value());
}

TEST_CASE("key_repository: unreadable and corrupt key directories are refused") {
  nimbus::test::temp_dir tmp;
  std::string why;
  CHECK_FALSE(key_repository::open(tmp.sub("missing"), &why).has_value());
  CHECK(why.find("missing") != std::string::npos);

  const std::string good = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"; // 32 zero bytes
  struct bad_case {
    const char* name;
    const char* file;
    std::string text;
  };
  const bad_case cases[] = {
    {"not base64", "1", "this is not a key at all, not even close!!!\n"},
    {"empty", "1", ""},
    {"one character short", "1", good.substr(0, 43)},
    {"33 bytes", "1", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
    {"31 bytes", "1", std::string(42, 'A') + "==\n"}, // 44 characters too
    {"standard alphabet", "1", "+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"},
    {"two keys", "1", good + good},
    {"bad staged key", "0", "garbage\n"},
    {"leading zero in a name", "01", good},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const std::string dir = tmp.sub(std::string("case-") + c.name);
    REQUIRE(key_repository::create(dir, &why));
    write_file(dir + "/" + c.file, c.text);
    why.clear();
    CHECK_FALSE(key_repository::open(dir, &why).has_value());
    CHECK(why.find(dir + "/" + c.file) != std::string::npos);
    CHECK_FALSE(key_repository::rotate(dir, 3, &why)); // and it touches nothing
    CHECK(names_in(dir).count("2") == 0);
  }

  const std::string dir = tmp.sub("structure");
  REQUIRE(key_repository::create(dir, &why));
  fs::create_directory(dir + "/2"); // a directory where a key file should be
  CHECK_FALSE(key_repository::open(dir, &why).has_value());
  fs::remove(dir + "/2");
  write_file(dir + "/README", "not a key, ignored\n");
  CHECK(key_repository::open(dir, &why).has_value());
  fs::remove(dir + "/0");
  CHECK_FALSE(key_repository::open(dir, &why).has_value());
  CHECK(why.find("staged") != std::string::npos);
}
