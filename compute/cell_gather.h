#pragma once
// Asking every cell at once from the compute facade: the up cells'
// conductors, and one answer folded from each that answers in time. Internal
// to compute/ (it brings CAF and the gateway in).
#include <iterator>
#include <vector>

#include "cells/cell_mapping.h"
#include "cells/scatter.h"
#include "compute/compute_api.h"
#include "compute/context.h"
#include "compute/gateway.h"
#include "compute/outcome.h"

namespace nimbus::compute {

inline std::vector<conductor_actor> up_conductors(const context& ctx, bool with_cell0) {
  std::vector<conductor_actor> out;
  for (auto& c : ctx.cells->all())
    if ((with_cell0 || c.mapping.uuid != cells::cell0_uuid) && c.up())
      out.push_back(c.conductor);
  return out;
}

// Each target's answer (a `Part`) to `atom` with `xs`, each folded into one
// list by `add`; targets that fail or do not answer in time are left out.
template <class Part, class View, class Add, class Atom, class... Ts>
void gather_from(context& ctx, std::vector<conductor_actor> targets, reply<std::vector<View>> then,
                 Add add, Atom atom, Ts... xs) {
  auto* c = &ctx;
  ctx.gw->run([c, targets, add, atom, then, xs...](gateway::self_ptr self) {
    cells::scatter<Part>(
      self, targets, c->limits.list,
      [add, then](cells::gathered<Part> parts) {
        outcome<std::vector<View>> out;
        for (auto& part : parts)
          if (part)
            add(out.value, *part);
        then(std::move(out));
      },
      atom, xs...);
  });
}

// gather_from() every up compute cell.
template <class Part, class View, class Add, class Atom, class... Ts>
void gather(context& ctx, reply<std::vector<View>> then, Add add, Atom atom, Ts... xs) {
  gather_from<Part>(ctx, up_conductors(ctx, false), std::move(then), add, atom, xs...);
}

// gather() of lists, concatenated.
template <class View, class Atom, class... Ts>
void gather_all(context& ctx, reply<std::vector<View>> then, Atom atom, Ts... xs) {
  auto concat = [](std::vector<View>& out, std::vector<View>& part) {
    out.insert(out.end(), std::make_move_iterator(part.begin()),
               std::make_move_iterator(part.end()));
  };
  gather<std::vector<View>>(ctx, std::move(then), concat, atom, xs...);
}

} // namespace nimbus::compute
