// tests/test_serve.cpp -- tests of ivyc::serve_repl without a network: the
// lines of a pipe are run while periodic timers fire on the real clock; a
// timer that throws is reported and serving goes on; the end of the input
// ends serving with the lines' status.
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ivyc/serve.hpp"
#include "test_util.hpp"

using namespace std::chrono_literals;

namespace {

void test_timers_and_lines() {
    int fds[2];
    CHECK(::pipe(fds) == 0);
    ivyc::repl r;
    int fast = 0, slow = 0, bad = 0, calls = 0;
    r.add_action("count", 0, [&](const std::vector<std::string>&) -> std::string {
        return std::to_string(fast);
    });
    r.add_action("poke", 0, [&](const std::vector<std::string>&) -> std::string {
        ++calls;
        return std::string();
    });
    const std::vector<ivyc::periodic> timers = {
        {"fast", 20ms, [&] { ++fast; }},
        {"slow", 100ms, [&] { ++slow; }},
        {"bad", 50ms, [&] {
             ++bad;
             throw ivyc::runtime_error("boom");
         }},
    };
    // The writer sends lines, waits, sends more and closes the pipe.
    std::thread writer([w = fds[1]] {
        const std::string a = "poke\n";
        CHECK(::write(w, a.data(), a.size()) == static_cast<ssize_t>(a.size()));
        std::this_thread::sleep_for(330ms);
        const std::string b = "poke\nnot_an_action\npoke";  // last line without '\n'
        CHECK(::write(w, b.data(), b.size()) == static_cast<ssize_t>(b.size()));
        ::close(w);
    });
    std::ostringstream out;
    const auto start = std::chrono::steady_clock::now();
    const int status = ivyc::serve_repl(r, fds[0], out, nullptr, [](const ivyc::datagram&) {}, timers, false);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    writer.join();
    ::close(fds[0]);
    std::printf("serve: fast=%d slow=%d bad=%d in %lld ms\n", fast, slow, bad,
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
    CHECK(status == 1);  // not_an_action failed
    CHECK(calls == 3);
    CHECK(elapsed >= 320ms);
    // Real clock on a shared machine: generous bounds.
    CHECK(fast >= 8 && fast <= 20);
    CHECK(slow >= 2 && slow <= 4);
    CHECK(bad >= 4 && bad <= 8);
    const std::string text = out.str();
    CHECK(text.find("error: timer bad: boom\n") != std::string::npos);
    CHECK(text.find("error: timer fast") == std::string::npos);
    CHECK(text.find("not_an_action") != std::string::npos);
}

// Without timers and without a network: the lines only.
void test_lines_only() {
    int fds[2];
    CHECK(::pipe(fds) == 0);
    ivyc::repl r;
    int calls = 0;
    r.add_action("poke", 0, [&](const std::vector<std::string>&) -> std::string {
        ++calls;
        return std::string();
    });
    const std::string a = "poke\npoke\n";
    CHECK(::write(fds[1], a.data(), a.size()) == static_cast<ssize_t>(a.size()));
    ::close(fds[1]);
    std::ostringstream out;
    CHECK(ivyc::serve_repl(r, fds[0], out, nullptr, [](const ivyc::datagram&) {}, {}, true) == 0);
    ::close(fds[0]);
    CHECK(calls == 2);
    CHECK(out.str() == "> poke\n> poke\n");
}

}  // namespace

int main() {
    try {
        test_lines_only();
        test_timers_and_lines();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        return 1;
    }
    return ivyc_test::test_result("serve");
}
