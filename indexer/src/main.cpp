// archive-index: a thin main over the indexer library.
#include <unistd.h>

#include <iostream>

#include "archive/index_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"archive-index", "archive-index"};
  archive::IndexOptions options;
  archive::define_index_command(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : archive::kUsageError;
  }
  if (options.dry_run) return archive::run_dry_run(options, std::cout, std::cerr);
  return archive::run_index_command(options, std::cerr, ::isatty(STDERR_FILENO));
}
