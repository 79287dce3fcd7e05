#include "raw_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace archive::serve_testing {
namespace {

using Clock = std::chrono::steady_clock;

// Reads what is there within `timeout`: the bytes, or -1 on close or error, 0 on timeout.
long read_some(int fd, std::string& into, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return 0;
  char buffer[65536];
  auto n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n <= 0) return -1;
  into.append(buffer, static_cast<std::size_t>(n));
  return n;
}

std::chrono::milliseconds left(Clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
}

// The length of the first whole response in `text`, 0 when it is not all there.
std::size_t whole_response(const std::string& text) {
  auto end = text.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  std::size_t length = 0;
  auto at = text.find("\r\nContent-Length: ");
  if (at == std::string::npos) at = text.find("\r\ncontent-length: ");
  if (at != std::string::npos && at < end) length = std::stoul(text.substr(at + 18));
  return text.size() >= end + 4 + length ? end + 4 + length : 0;
}

}  // namespace

RawClient::RawClient(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    ADD_FAILURE() << "cannot connect to port " << port;
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string RawClient::read_all(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string text = std::move(pending_);
  pending_.clear();
  while (Clock::now() < deadline && read_some(fd_, text, left(deadline)) >= 0) {
  }
  return text;
}

std::string RawClient::read_response(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (whole_response(pending_) == 0) {
    if (Clock::now() >= deadline || read_some(fd_, pending_, left(deadline)) < 0) return "";
  }
  auto length = whole_response(pending_);
  auto response = pending_.substr(0, length);
  pending_.erase(0, length);
  return response;
}

bool RawClient::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::string ignored;
  while (Clock::now() < deadline) {
    if (read_some(fd_, ignored, left(deadline)) < 0) return true;
  }
  return false;
}

int status_of(std::string_view response) {
  if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return 0;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

}  // namespace archive::serve_testing
