// ivyc/repl.hpp -- the REPL driver of extracted code (like Ivy's
// target=repl): the line parser `name(arg, ...)`, argument conversion helpers
// and the ivyc::repl class where generated code registers exported actions.
//
// Protocol: one call per input line; blank lines and lines starting with '#'
// are ignored. A call that returns a value prints "= VALUE"; every problem
// (syntax, unknown action, wrong arity, bad argument, failed require/assert)
// prints "error: ..." and the loop continues (unless stop_on_error is set).
// A line `?name` (optional whitespace and '#' comment after it) runs the
// command `name` instead of an action (generated drivers register `?state`);
// action names never start with '?', so the two cannot clash. A line
// `name(arg, ...) := value` (or `name := value`) runs the setter `name`
// (generated drivers register one per state symbol and parameter): a call
// is never followed by `:=`, so setters and actions cannot clash either.
// The command-line options of generated drivers (parse_repl_options,
// repl_help) are here too, so that every driver behaves the same.
#ifndef IVYC_REPL_HPP
#define IVYC_REPL_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ivyc/checks.hpp"

namespace ivyc {

// A parsed call: the action name and its raw argument tokens (integers such
// as "-12" or identifiers such as "red" / "true").
struct repl_call {
    std::string action;
    std::vector<std::string> args;
    // `action(args) := value`: an assignment (run by a setter) whose value
    // token is `value`.
    bool assign = false;
    std::string value;
};

struct repl_parse_result {
    enum class status { call, blank, error };
    status kind = status::blank;
    repl_call call;     // valid when kind == status::call
    std::string error;  // valid when kind == status::error (printable ASCII)

    bool ok() const noexcept { return kind == status::call; }
};

// Parses `name`, `name()` or `name(a1, ..., an)`, each optionally followed
// by `:= value` (an assignment), with optional surrounding whitespace and an
// optional trailing '#' comment. Names are
// [A-Za-z_][A-Za-z0-9_.:]*; arguments are integers ([+-]?[0-9]+, any length:
// range is checked by parse_int), names, struct values `{...}` (balanced
// braces, kept as one token; see struct_fields) or variant values
// `NAME{...}` (one token; see variant_value). Never throws except
// std::bad_alloc.
repl_parse_result parse_repl_line(std::string_view line);

// Decimal integer with optional sign, no whitespace; nullopt on syntax error
// or if the value does not fit in int64_t.
std::optional<int64_t> parse_int(std::string_view text) noexcept;
// "true" / "false".
std::optional<bool> parse_bool(std::string_view text) noexcept;

// Thrown by the arg_* helpers; the repl prints "error: bad argument: ...".
class repl_arg_error : public runtime_error {
public:
    explicit repl_arg_error(const std::string& what) : runtime_error(what) {}
};

// Converters for action bodies; all throw repl_arg_error on a bad or missing
// argument.
int64_t arg_int(const std::vector<std::string>& args, size_t i);
// An integer in [lo, hi] (inclusive).
int64_t arg_int(const std::vector<std::string>& args, size_t i, int64_t lo, int64_t hi);
// An element of a finite sort of `count` elements: an integer in [0, count).
uint32_t arg_index(const std::vector<std::string>& args, size_t i, uint32_t count);
bool arg_bool(const std::vector<std::string>& args, size_t i);
// The position of args[i] in `names` (enum constants).
uint32_t arg_enum(const std::vector<std::string>& args, size_t i,
                  const std::vector<std::string>& names);

// The field values of the struct argument args[i], written
// `{name1:v1,name2:v2}` with exactly the field names `names` in that order
// (whitespace allowed around tokens); each value is an argument token (an
// integer, a name or a nested `{...}`). `{}` for a struct without fields.
std::vector<std::string> struct_fields(const std::vector<std::string>& args, size_t i,
                                       const std::vector<std::string>& names);

// The parts of the argument args[i] of a sort with variants: `none` (tag
// 0, a value that is none of the variants) or `TAG{...}` with TAG one of
// `names` (tag k + 1 for names[k]); `braces` is the `{...}` text (a struct
// value, for a variant that is a struct) and `inner` the text between the
// braces without surrounding whitespace (the value of any other variant).
struct variant_arg {
    uint32_t tag = 0;
    std::string braces;
    std::string inner;
};
variant_arg variant_value(const std::vector<std::string>& args, size_t i,
                          const std::vector<std::string>& names);
// Rethrows `e`, an error about the value of variant `tag` of argument
// args[i], as "argument I: variant `TAG`: WHY".
[[noreturn]] void bad_variant(size_t i, const std::string& tag, const repl_arg_error& e);

// Rethrows `e`, an error about field `field` of the struct argument
// args[i] (raised by a converter that took the fields as its arguments), as
// an error about argument i: "argument I: field `NAME`: WHY".
[[noreturn]] void bad_field(size_t i, const std::string& field, const repl_arg_error& e);

// Renders a call line "name(a1,a2)" (or "name" when args is empty), the form
// used to print calls of imported actions.
std::string format_call(std::string_view name, const std::vector<std::string>& args);
inline std::string to_repl(bool v) { return v ? "true" : "false"; }
inline std::string to_repl(int64_t v) { return std::to_string(v); }
// A string value in `?state` output: double quotes around it, '"' and '\\'
// backslash-escaped, other bytes outside printable ASCII as \xNN.
std::string quote_repl(std::string_view text);
// An argument tuple in `?state` output: "a" for one item, "(a, b)" otherwise.
std::string format_tuple(const std::vector<std::string>& items);
// A set in `?state` output: "{a, b}" ("{}" when empty).
std::string format_set(const std::vector<std::string>& items);

// Makes text safe to print: printable ASCII kept, everything else as \xNN.
std::string escape_for_display(std::string_view text);

class repl {
public:
    // fn receives the raw argument tokens (exactly `arity` of them) and
    // returns the text to print after "= ", or "" to print nothing.
    using action_fn = std::function<std::string(const std::vector<std::string>&)>;

    // fn writes the command's output (whole lines) to the stream; an
    // exception it throws prints "error: ..." like a failing action.
    using command_fn = std::function<void(std::ostream&)>;

    // Registers (or replaces) an action.
    void add_action(std::string name, size_t arity, action_fn fn);
    bool has_action(const std::string& name) const;
    // Registers (or replaces) the command run by the line `?name`.
    void add_command(std::string name, command_fn fn);

    // fn receives the `arity` argument tokens followed by the value token.
    using setter_fn = std::function<void(const std::vector<std::string>&)>;
    // Registers (or replaces) the setter run by `name(a1, ..., an) := v`.
    void add_setter(std::string name, size_t arity, setter_fn fn);

    // Parses and runs one line, writing its output to out. Returns false if
    // the line produced an error.
    bool execute_line(std::string_view line, std::ostream& out);

    // Runs every line of `in`. Returns 0 if no line produced an error, 1
    // otherwise. With stop_on_error, returns 1 right after the first error.
    int run(std::istream& in, std::ostream& out);
    void set_stop_on_error(bool stop) noexcept { stop_on_error_ = stop; }
    // With echo, run() prints each line as "> LINE" before its output.
    void set_echo(bool echo) noexcept { echo_ = echo; }
    // With a source name (a script file), run() prefixes each error with
    // "SOURCE:LINE: " (lines counted from 1).
    void set_source(std::string name) { source_ = std::move(name); }

    // Writes `line` + '\n' to the output of the running repl (std::cout when
    // not running). Used by generated imported actions.
    void emit(const std::string& line);

private:
    struct action {
        size_t arity;
        action_fn fn;
    };
    bool execute_command(std::string_view line, std::ostream& out);
    bool execute_assignment(const repl_call& call, std::ostream& out);
    bool error(std::ostream& out, const std::string& msg) const;

    std::map<std::string, action, std::less<>> actions_;
    std::map<std::string, command_fn, std::less<>> commands_;
    std::map<std::string, action, std::less<>> setters_;
    std::ostream* out_ = nullptr;
    bool stop_on_error_ = false;
    bool echo_ = false;
    std::string source_;
    // "SOURCE:LINE: " while run() executes a line of a named source.
    std::string where_;
};

// The command line of a generated REPL driver:
// `NAME_repl [--help] [--echo] [--list] [--script FILE] [--seed N]
// [--me N] [--port-base P] [--timers] [SORT=N ...]`.
struct repl_options {
    bool help = false;
    bool echo = false;
    bool list = false;
    // Non-empty with --script FILE.
    std::string script;
    // With --seed N: nondeterministic choices are pseudo-random (see
    // repl_random), otherwise the class's default (the first option).
    bool seeded = false;
    uint64_t seed = 0;
    // With --me N: the process is endpoint N of the module's `include udp`
    // network, on UDP port port_base + N of 127.0.0.1 (--port-base P,
    // default 4990 as in the standard library's udp_simple).
    bool have_me = false;
    uint32_t me = 0;
    uint16_t port_base = 4990;
    // With --timers: the timers of the module's `include timeout` fire
    // while the lines of standard input are served (they always do with
    // --me).
    bool timers = false;
    // One size per sort given to parse_repl_options, in that order (3 when
    // not given).
    std::vector<uint32_t> sizes;
};

// Parses argv[1..argc) of a driver whose sizable sorts are `sorts`. Returns
// "" on success, otherwise the error to print (an unknown option, a bad
// size `SORT=N` with N outside [1, 1000000], --script or --seed without
// their value, a second --script, a --seed that is not a non-negative
// integer, --me or --port-base without a number in range: --me N with N in
// [0, 65535], --port-base P in [1, 65535]). Later `SORT=N` override earlier
// ones.
std::string parse_repl_options(int argc, const char* const* argv,
                               const std::vector<std::string>& sorts, repl_options& out);

// The choice policy of `--seed N`: a splitmix64 stream, so a seed always
// gives the same session.
class repl_random {
public:
    explicit repl_random(uint64_t seed) noexcept : state_(seed) {}
    uint64_t next() noexcept {
        uint64_t z = (state_ += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
    }

private:
    uint64_t state_;
};

// The one-line usage of driver `prog`.
// With `network`, the module has an `include udp` network and the usage
// lists --me and --port-base; with `timers`, it has `include timeout`
// timers and the usage lists --timers.
std::string repl_usage(std::string_view prog, const std::vector<std::string>& sorts,
                       bool network = false, bool timers = false);

// The text of `--help` of driver `prog` of module `module`: the usage, the
// options, the line syntax (actions, setters, `?state`, comments) and the
// exit status.
std::string repl_help(std::string_view prog, std::string_view module,
                      const std::vector<std::string>& sorts, bool network = false,
                      bool timers = false);

}  // namespace ivyc

#endif  // IVYC_REPL_HPP
