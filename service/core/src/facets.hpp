// Facet counts (tag, kind, year) over every match of a query, not just the page shown.
#pragma once

#include <xapian.h>

#include "archive/search_types.hpp"

namespace archive {

class FacetCounter : public Xapian::MatchSpy {
 public:
  explicit FacetCounter(Facets& facets) : facets_(facets) {}
  void operator()(const Xapian::Document& doc, double weight) override;

 private:
  Facets& facets_;
};

}  // namespace archive
