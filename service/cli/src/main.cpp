// archive-search: a thin main over the CLI library.
#include <unistd.h>

#include <iostream>

#include "archive/search_cli.hpp"

int main(int argc, char** argv) {
  CLI::App app{"archive-search", "archive-search"};
  archive::SearchCli cli;
  archive::define_search_cli(app, cli);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? archive::kExitOk : archive::kExitUsage;
  }
  archive::Output output{std::cout, std::cerr, static_cast<bool>(::isatty(STDOUT_FILENO))};
  return archive::run_search_cli(cli, app, output);
}
