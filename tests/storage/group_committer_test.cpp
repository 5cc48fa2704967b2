#include <doctest/doctest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "storage/group_committer.h"
#include "tests/support/bounded_wait.h"

using namespace nimbus::storage;

TEST_CASE("one commit covers every batch that arrived while the previous one ran") {
  std::mutex m;
  std::condition_variable cv;
  bool first_started = false, release = false;
  std::vector<std::size_t> commit_sizes;
  group_committer committer([&](const write_batch& b) {
    std::unique_lock<std::mutex> lock(m);
    commit_sizes.push_back(b.size());
    if (commit_sizes.size() == 1) {
      first_started = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; }); // hold the first "fsync"
    }
    return std::error_code{};
  });

  std::vector<std::promise<std::error_code>> results(6);
  auto submit = [&](int i) {
    write_batch b;
    b.put(key_space::meta, std::to_string(i), "v");
    committer.submit(std::move(b), [&results, i](std::error_code ec) { results[i].set_value(ec); });
  };
  submit(0);
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return first_started; });
  }
  for (int i = 1; i < 6; ++i)
    submit(i);
  CHECK(committer.queued() == 5); // all waiting behind the first commit
  {
    std::lock_guard<std::mutex> lock(m);
    release = true;
  }
  cv.notify_all();
  for (auto& r : results)
    CHECK_FALSE(nimbus::test::bounded_get(r.get_future()));
  CHECK(committer.commits() == 2);
  CHECK(commit_sizes == std::vector<std::size_t>{1, 5});
}

TEST_CASE("a stopped committer refuses new batches with errc::closed") {
  group_committer committer([](const write_batch&) { return std::error_code{}; });
  committer.stop();
  std::error_code seen;
  committer.submit(write_batch{}, [&](std::error_code ec) { seen = ec; });
  CHECK(seen == errc::closed);
}
