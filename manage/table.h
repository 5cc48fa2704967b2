#pragma once
// Tables drawn the way Nova's CLIs print them (PrettyTable: cells centred).
#include <algorithm>
#include <string>
#include <vector>

namespace nimbus::manage {

class table {
public:
  explicit table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string render() const {
    std::vector<std::size_t> width(header_.size());
    for (std::size_t i = 0; i < header_.size(); ++i)
      width[i] = header_[i].size();
    for (auto& r : rows_)
      for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
        width[i] = std::max(width[i], r[i].size());
    std::string rule = "+";
    for (auto w : width)
      rule += std::string(w + 2, '-') + "+";
    rule += "\n";
    std::string out = rule + line(header_, width) + rule;
    for (auto& r : rows_)
      out += line(r, width);
    return out + rule;
  }

private:
  static std::string line(const std::vector<std::string>& cells,
                          const std::vector<std::size_t>& width) {
    std::string out = "|";
    for (std::size_t i = 0; i < width.size(); ++i) {
      auto text = i < cells.size() ? cells[i] : std::string{};
      auto pad = width[i] - text.size();
      out += " " + std::string(pad / 2, ' ') + text + std::string(pad - pad / 2, ' ') + " |";
    }
    return out + "\n";
  }

  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

} // namespace nimbus::manage
