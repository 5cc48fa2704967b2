// The deadlines of in-process requests, on a clock the test moves.
#include <doctest/doctest.h>

#include <vector>

#include "actors/common/deadline_queue.h"

using namespace nimbus;
using namespace std::chrono_literals;

namespace {

struct logged final : deadline_queue::entry {
  logged(std::vector<int>& log, int id) : log(log), id(id) {}
  void expired() override { log.push_back(id); }
  std::vector<int>& log;
  int id;
};

} // namespace

TEST_CASE("deadlines run out in order, once each, and not for calls answered first") {
  std::vector<int> fired;
  deadline_queue q(10s);
  auto t0 = deadline_queue::clock::time_point{} + 1h;
  auto a = std::make_shared<logged>(fired, 1);
  auto b = std::make_shared<logged>(fired, 2);
  auto c = std::make_shared<logged>(fired, 3);
  CHECK(q.add(a, t0));            // the first one starts the owner's tick
  CHECK_FALSE(q.add(b, t0 + 1s)); // a tick is out already
  CHECK_FALSE(q.add(c, t0 + 2s));
  CHECK(b->settle());           // answered in time
  CHECK(q.expire_due(t0 + 9s)); // nothing is due yet; the tick goes on
  CHECK(fired.empty());
  CHECK(q.expire_due(t0 + 11s)); // a is due; b, answered, never fires
  CHECK(fired == std::vector<int>{1});
  CHECK_FALSE(a->settle());            // a late answer to a finds it settled by its deadline
  CHECK_FALSE(q.expire_due(t0 + 12s)); // c ran out: nothing waits, the tick stops
  CHECK(fired == std::vector<int>{1, 3});
  CHECK(q.size() == 0);
  CHECK(q.add(std::make_shared<logged>(fired, 4), t0 + 20s)); // and starts again
}

TEST_CASE("answered calls leave the queue as they reach its front") {
  std::vector<int> fired;
  deadline_queue q(10s);
  auto t0 = deadline_queue::clock::time_point{} + 1h;
  for (int i = 0; i < 100; ++i) {
    auto e = std::make_shared<logged>(fired, i);
    q.add(e, t0);
    e->settle();
  }
  q.add(std::make_shared<logged>(fired, 100), t0); // drops the 100 settled ones first
  CHECK(q.size() == 1);
  CHECK(fired.empty());
}
