// A blocking first-in-first-out queue with a size limit, for handing work between the
// indexer's threads. close() ends it: pop() then drains what is left and returns nullopt.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace archive {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t limit) : limit_(limit) {}

  void push(T item) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return items_.size() < limit_ || closed_; });
    items_.push_back(std::move(item));
    ready_.notify_one();
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    space_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
    space_.notify_all();
  }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace archive
