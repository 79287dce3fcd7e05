// archive-serve: a thin main over the HTTP front end. SIGTERM or SIGINT stops accepting,
// lets in-flight requests finish, and exits 0.
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "archive/http_service.hpp"

int main(int argc, char** argv) {
  CLI::App app{"archive-serve", "archive-serve"};
  archive::ServeOptions options;
  archive::define_serve_command(app, options);
  try {
    app.parse(argc, argv);
    archive::check(options);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "archive-serve: " << e.what() << "\n";
    return 2;
  }

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  // Each line reaches the log at once, even when stdout is a file or a pipe: the start
  // line tells supervisors (and tests) the port, and a crash must not eat the last lines.
  spdlog::flush_on(spdlog::level::info);
  try {
    archive::HttpService service(options);
    int port = service.bind();
    spdlog::info("archive-serve listening on {}:{} (index {})", options.host, port,
                 options.index.string());
    std::thread stopper([&] {
      int signal = 0;
      sigwait(&stop_signals, &signal);
      spdlog::info("signal {}: finishing in-flight requests", signal);
      service.stop();
    });
    service.run();
    // run() returns only after stop(); the stopper has already finished its work.
    stopper.join();
    spdlog::info("archive-serve stopped");
  } catch (const std::exception& e) {
    spdlog::error("archive-serve: {}", e.what());
    return 1;
  }
  return 0;
}
