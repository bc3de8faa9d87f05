// tests/test_repl.cpp -- tests of the REPL line parser (including malformed
// and binary input), parse_int / parse_bool, the arg_* helpers, struct
// values (struct_fields, bad_field) and the ivyc::repl dispatch loop output.
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ivyc/checks.hpp"
#include "ivyc/repl.hpp"
#include "test_util.hpp"

namespace {

using status = ivyc::repl_parse_result::status;

bool parses_to(const std::string& line, const std::string& action,
               const std::vector<std::string>& args) {
    const auto r = ivyc::parse_repl_line(line);
    return r.ok() && r.call.action == action && r.call.args == args;
}

bool is_error(const std::string& line) {
    const auto r = ivyc::parse_repl_line(line);
    return r.kind == status::error && !r.error.empty();
}

void test_parser() {
    CHECK(parses_to("foo", "foo", {}));
    CHECK(parses_to("foo()", "foo", {}));
    CHECK(parses_to("  foo ( ) ", "foo", {}));
    CHECK(parses_to("grant(1,2)", "grant", {"1", "2"}));
    CHECK(parses_to("grant( 1 , -2 )\r", "grant", {"1", "-2"}));
    CHECK(parses_to("set(red, true, false, +7)", "set", {"red", "true", "false", "+7"}));
    CHECK(parses_to("ext:server.grant(0) # comment", "ext:server.grant", {"0"}));
    CHECK(parses_to("f(99999999999999999999999999)", "f", {"99999999999999999999999999"}));
    CHECK(parses_to("_x1(a_b)", "_x1", {"a_b"}));

    CHECK(ivyc::parse_repl_line("").kind == status::blank);
    CHECK(ivyc::parse_repl_line("   \t ").kind == status::blank);
    CHECK(ivyc::parse_repl_line("# just a comment").kind == status::blank);

    const char* bad[] = {
        "(",         ")",          "foo(",        "foo)",       "foo(1",      "foo(1,",
        "foo(1,)",   "foo(,1)",    "foo(1 2)",    "foo((1))",   "foo(1))",    "foo bar",
        "1foo",      "-",          "foo(-)",      "foo(--1)",   "foo(1-)",    "foo(1)(2)",
        "foo(\"s\")", "f(1.5)",    "=3",          "foo(1) x",   "\x01\x02",   "f(\xff)",
        "foo(a b)",  "foo(()",     "foo(1,,2)",   "foo(-a)",
    };
    for (const char* line : bad) {
        if (!is_error(line)) std::fprintf(stderr, "accepted bad line: %s\n", line);
        CHECK(is_error(line));
    }
    // Error text is printable even for binary input.
    const auto junk = ivyc::parse_repl_line(std::string("\0\xfe\x7f", 3));
    CHECK(junk.kind == status::error);
    for (char c : junk.error) CHECK(c >= 0x20 && c < 0x7f);

    // Random junk never crashes and never yields an action with junk in it.
    std::mt19937 rng(7);
    const std::string alphabet = "ab1-+(), #\t\xff\x00";
    for (int iter = 0; iter < 20000; ++iter) {
        std::string line(rng() % 16, ' ');
        for (auto& c : line) c = iter % 2 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
        const auto r = ivyc::parse_repl_line(line);
        if (r.ok()) {
            CHECK(!r.call.action.empty());
            for (const auto& a : r.call.args) CHECK(!a.empty());
        }
    }
    // Very long line.
    CHECK(parses_to("f(" + std::string(100000, '9') + ")", "f", {std::string(100000, '9')}));
}

void test_conversions() {
    CHECK(ivyc::parse_int("0") == 0);
    CHECK(ivyc::parse_int("-17") == -17);
    CHECK(ivyc::parse_int("+17") == 17);
    CHECK(ivyc::parse_int("9223372036854775807") == std::numeric_limits<int64_t>::max());
    CHECK(ivyc::parse_int("-9223372036854775808") == std::numeric_limits<int64_t>::min());
    CHECK(!ivyc::parse_int("9223372036854775808"));
    CHECK(!ivyc::parse_int("-9223372036854775809"));
    CHECK(!ivyc::parse_int("99999999999999999999999999"));
    CHECK(!ivyc::parse_int(""));
    CHECK(!ivyc::parse_int("-"));
    CHECK(!ivyc::parse_int("1a"));
    CHECK(!ivyc::parse_int(" 1"));
    CHECK(ivyc::parse_bool("true") == true);
    CHECK(ivyc::parse_bool("false") == false);
    CHECK(!ivyc::parse_bool("1"));
    CHECK(!ivyc::parse_bool("True"));

    const std::vector<std::string> args = {"5", "-1", "true", "green", "x"};
    CHECK(ivyc::arg_int(args, 0) == 5);
    CHECK(ivyc::arg_int(args, 1, -1, 1) == -1);
    CHECK_THROWS(ivyc::arg_int(args, 0, 0, 4), ivyc::repl_arg_error);
    CHECK(ivyc::arg_index(args, 0, 6) == 5);
    CHECK_THROWS(ivyc::arg_index(args, 0, 5), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::arg_index(args, 1, 5), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::arg_index(args, 0, 0), ivyc::repl_arg_error);
    CHECK(ivyc::arg_bool(args, 2));
    CHECK_THROWS(ivyc::arg_bool(args, 0), ivyc::repl_arg_error);
    CHECK(ivyc::arg_enum(args, 3, {"red", "green", "blue"}) == 1);
    CHECK_THROWS(ivyc::arg_enum(args, 4, {"red", "green"}), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::arg_int(args, 9), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::arg_int(args, 4), ivyc::runtime_error);

    CHECK(ivyc::format_call("send", {"1", "true"}) == "send(1,true)");
    CHECK(ivyc::format_call("tick", {}) == "tick");
    CHECK(ivyc::to_repl(true) == "true" && ivyc::to_repl(int64_t{-3}) == "-3");
    CHECK(ivyc::escape_for_display(std::string("a\n\x80\\", 4)) == "a\\x0a\\x80\\x5c");
}

// Struct values: one `{...}` token per argument (nested braces kept), then
// split into field values by struct_fields; errors about a field name it.
void test_struct_values() {
    CHECK(parses_to("send({x:1,y:red})", "send", {"{x:1,y:red}"}));
    CHECK(parses_to("send( { x : -1 , y : {a:b} } , 3)", "send", {"{ x : -1 , y : {a:b} }", "3"}));
    CHECK(parses_to("send({})", "send", {"{}"}));
    CHECK(is_error("send({x:1)"));
    CHECK(is_error("send({x:1}}"));
    CHECK(is_error("send({x:\"s\"})"));
    const std::vector<std::string> names{"x", "y"};
    CHECK(ivyc::struct_fields({"{x:1,y:red}"}, 0, names) == (std::vector<std::string>{"1", "red"}));
    CHECK(ivyc::struct_fields({"{ x : {a:1} , y : -2 }"}, 0, names) ==
          (std::vector<std::string>{"{a:1}", "-2"}));
    CHECK(ivyc::struct_fields({"{}"}, 0, {}).empty());
    CHECK_THROWS(ivyc::struct_fields({"{y:1,x:2}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::struct_fields({"{x:1}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::struct_fields({"{x:1,y:2,z:3}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::struct_fields({"{x:1,y:}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::struct_fields({"7"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::struct_fields({}, 0, names), ivyc::repl_arg_error);
    // A field's converter error becomes an error about the struct argument.
    std::string msg;
    try {
        const std::vector<std::string> fields = ivyc::struct_fields({"0", "{x:9,y:1}"}, 1, names);
        try {
            (void)ivyc::arg_index(fields, 0, 3);
        } catch (const ivyc::repl_arg_error& e) {
            ivyc::bad_field(1, "x", e);
        }
    } catch (const ivyc::repl_arg_error& e) {
        msg = e.what();
    }
    CHECK(msg.find("argument 2: field `x`: ") == 0);
    CHECK(msg.find("argument 1") == std::string::npos);
}

// Variant values: `TAG{...}` is one token (also inside a struct), split
// by variant_value into the tag and the value; `none` is tag 0.
void test_variant_values() {
    CHECK(parses_to("send(req{x:1,y:red}, 2)", "send", {"req{x:1,y:red}", "2"}));
    CHECK(parses_to("send({m:ack{3}})", "send", {"{m:ack{3}}"}));
    CHECK(parses_to("x := ack{ 3 }", "x", {}));
    CHECK(is_error("send(req{x:1)"));
    const std::vector<std::string> names{"req", "ack"};
    const ivyc::variant_arg a = ivyc::variant_value({"req{x:1,y:red}"}, 0, names);
    CHECK(a.tag == 1 && a.braces == "{x:1,y:red}" && a.inner == "x:1,y:red");
    const ivyc::variant_arg b = ivyc::variant_value({" ack{ 3 } "}, 0, names);
    CHECK(b.tag == 2 && b.inner == "3");
    CHECK(ivyc::variant_value({"none"}, 0, names).tag == 0);
    CHECK_THROWS(ivyc::variant_value({"nack{3}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::variant_value({"req"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::variant_value({"req{1}x"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::variant_value({"3"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::variant_value({"{x:1}"}, 0, names), ivyc::repl_arg_error);
    CHECK_THROWS(ivyc::variant_value({}, 0, names), ivyc::repl_arg_error);
    std::string msg;
    try {
        try {
            (void)ivyc::arg_index({"9"}, 0, 3);
        } catch (const ivyc::repl_arg_error& e) {
            ivyc::bad_variant(0, "ack", e);
        }
    } catch (const ivyc::repl_arg_error& e) {
        msg = e.what();
    }
    CHECK(msg.find("argument 1: variant `ack`: ") == 0);
}

void test_repl_loop() {
    ivyc::repl r;
    int64_t counter = 0;
    r.add_action("inc", 1, [&](const std::vector<std::string>& a) {
        counter += ivyc::arg_int(a, 0, 0, 100);
        return std::string();
    });
    r.add_action("get", 0, [&](const std::vector<std::string>&) { return ivyc::to_repl(counter); });
    r.add_action("checked", 1, [&](const std::vector<std::string>& a) {
        IVYC_REQUIRE(ivyc::arg_bool(a, 0), "checked.ivy: line 3");
        return std::string("ok");
    });
    r.add_action("notify", 0, [&](const std::vector<std::string>&) {
        r.emit(ivyc::format_call("imported", {"1", "2"}));
        return std::string();
    });
    CHECK(r.has_action("inc") && !r.has_action("dec"));

    std::istringstream in(
        "inc(2)\n"
        "\n"
        "inc(3)\n"
        "get\n"
        "dec(1)\n"
        "inc(1,2)\n"
        "inc(x)\n"
        "inc(1000)\n"
        "inc(99999999999999999999999)\n"
        "foo(\n"
        "checked(true)\n"
        "checked(false)\n"
        "notify()\n"
        "get()\n");
    std::ostringstream out;
    const int rc = r.run(in, out);
    CHECK(rc == 1);
    const std::string expected =
        "= 5\n"
        "error: unknown action 'dec'\n"
        "error: action 'inc' expects 1 argument, got 2\n"
        "error: bad argument: argument 1: expected an integer, got 'x'\n"
        "error: bad argument: argument 1: 1000 is outside [0, 100]\n"
        "error: bad argument: argument 1: integer 99999999999999999999999 is out of range\n"
        "error: missing ')'\n"
        "= ok\n"
        "error: require failed: checked.ivy: line 3\n"
        "imported(1,2)\n"
        "= 5\n";
    if (out.str() != expected) std::fprintf(stderr, "repl output:\n%s", out.str().c_str());
    CHECK(out.str() == expected);

    std::istringstream ok_in("inc(1)\nget\n");
    std::ostringstream ok_out;
    CHECK(r.run(ok_in, ok_out) == 0);
    CHECK(ok_out.str() == "= 6\n");

    // Commands: `?name`, never clashing with actions.
    r.add_command("state", [&](std::ostream& os) { os << "counter = " << counter << "\n"; });
    r.add_command("boom", [](std::ostream&) { throw ivyc::runtime_error("boom"); });
    std::istringstream cmd_in("  ?state  # comment\n?nope\n?\n?state x\n?boom\n");
    std::ostringstream cmd_out;
    CHECK(r.run(cmd_in, cmd_out) == 1);
    const std::string cmd_expected =
        "counter = 6\n"
        "error: unknown command '?nope'\n"
        "error: expected a command name after '?', got end of line\n"
        "error: unexpected 'x' at column 8\n"
        "error: boom\n";
    if (cmd_out.str() != cmd_expected) std::fprintf(stderr, "command output:\n%s", cmd_out.str().c_str());
    CHECK(cmd_out.str() == cmd_expected);
    CHECK(ivyc::quote_repl("a\"b\\c\n") == "\"a\\\"b\\\\c\\x0a\"");
    CHECK(ivyc::format_tuple({"1"}) == "1");
    CHECK(ivyc::format_tuple({"1", "true"}) == "(1, true)");
    CHECK(ivyc::format_set({}) == "{}");
    CHECK(ivyc::format_set({"1", "(0, 2)"}) == "{1, (0, 2)}");

    r.set_stop_on_error(true);
    std::istringstream stop_in("get\nbogus\nget\n");
    std::ostringstream stop_out;
    CHECK(r.run(stop_in, stop_out) == 1);
    CHECK(stop_out.str() == "= 6\nerror: unknown action 'bogus'\n");
}

// `NAME(args) := VALUE`: parsing, dispatch to setters, arity and value
// errors, and no clash with actions of the same name.
void test_assignments() {
    auto assigns = [](const std::string& line, const std::string& name,
                      const std::vector<std::string>& args, const std::string& value) {
        const auto r = ivyc::parse_repl_line(line);
        return r.ok() && r.call.assign && r.call.action == name && r.call.args == args &&
               r.call.value == value;
    };
    CHECK(assigns("x := 3", "x", {}, "3"));
    CHECK(assigns("x:=-3", "x", {}, "-3"));
    CHECK(assigns("r(1, 2) := true # c", "r", {"1", "2"}, "true"));
    CHECK(assigns("a.b:c(red):={x:1,y:2}", "a.b:c", {"red"}, "{x:1,y:2}"));
    CHECK(assigns("f() := red", "f", {}, "red"));
    CHECK(!ivyc::parse_repl_line("f(1)").call.assign);
    for (const char* bad : {"x :=", "x := ", ":= 1", "x = 1", "x := 1 2", "x := (1)", "x :=: 1",
                            "x := 1 := 2", "x(1 := 2"}) {
        if (!is_error(bad)) std::fprintf(stderr, "accepted bad assignment: %s\n", bad);
        CHECK(is_error(bad));
    }

    ivyc::repl r;
    int64_t x = 0;
    std::vector<std::string> seen;
    r.add_setter("x", 0, [&](const std::vector<std::string>& a) { x = ivyc::arg_int(a, 0, 0, 9); });
    r.add_setter("r", 2, [&](const std::vector<std::string>& a) {
        seen = {std::to_string(ivyc::arg_index(a, 0, 2)), std::to_string(ivyc::arg_index(a, 1, 2)),
                ivyc::to_repl(ivyc::arg_bool(a, 2))};
    });
    r.add_action("x", 0, [&](const std::vector<std::string>&) { return ivyc::to_repl(x); });
    std::istringstream in(
        "x := 4\n"
        "x\n"
        "r(1, 0) := true\n"
        "x := 10\n"
        "r(2, 0) := true\n"
        "r(1) := true\n"
        "x(1) := 2\n"
        "y := 1\n"
        "r(0, 1) := maybe\n");
    std::ostringstream out;
    r.set_echo(true);
    CHECK(r.run(in, out) == 1);
    const std::string expected =
        "> x := 4\n"
        "> x\n"
        "= 4\n"
        "> r(1, 0) := true\n"
        "> x := 10\n"
        "error: bad value: 10 is outside [0, 9]\n"
        "> r(2, 0) := true\n"
        "error: bad argument: argument 1: 2 is outside [0, 1]\n"
        "> r(1) := true\n"
        "error: 'r' takes 2 arguments, got 1\n"
        "> x(1) := 2\n"
        "error: 'x' takes 0 arguments, got 1\n"
        "> y := 1\n"
        "error: cannot assign 'y': not a state symbol or parameter\n"
        "> r(0, 1) := maybe\n"
        "error: bad value: expected true or false, got 'maybe'\n";
    if (out.str() != expected) std::fprintf(stderr, "assignment output:\n%s", out.str().c_str());
    CHECK(out.str() == expected);
    CHECK(x == 4);
    CHECK((seen == std::vector<std::string>{"1", "0", "true"}));
}

// A named source: errors carry "SOURCE:LINE: " (blank and comment lines
// count).
void test_source_lines() {
    ivyc::repl r;
    r.add_action("ok", 0, [](const std::vector<std::string>&) { return std::string(); });
    r.add_command("boom", [](std::ostream&) { throw ivyc::runtime_error("boom"); });
    r.set_source("s.txt");
    std::istringstream in("ok\n\n# c\nbad\n?boom\nok(\nx := 1\n");
    std::ostringstream out;
    CHECK(r.run(in, out) == 1);
    const std::string expected =
        "s.txt:4: error: unknown action 'bad'\n"
        "s.txt:5: error: boom\n"
        "s.txt:6: error: missing ')'\n"
        "s.txt:7: error: cannot assign 'x': not a state symbol or parameter\n";
    if (out.str() != expected) std::fprintf(stderr, "source output:\n%s", out.str().c_str());
    CHECK(out.str() == expected);
    // execute_line outside run() has no location.
    std::ostringstream one;
    CHECK(!r.execute_line("bad", one));
    CHECK(one.str() == "error: unknown action 'bad'\n");
}

// The drivers' command line.
void test_options() {
    const std::vector<std::string> sorts = {"node", "proto.id"};
    auto parse = [&](std::vector<const char*> args, ivyc::repl_options& o) {
        args.insert(args.begin(), "prog");
        return ivyc::parse_repl_options(static_cast<int>(args.size()), args.data(), sorts, o);
    };
    ivyc::repl_options o;
    CHECK(parse({}, o).empty());
    CHECK(!o.help && !o.echo && !o.list && o.script.empty());
    CHECK((o.sizes == std::vector<uint32_t>{3, 3}));
    CHECK(parse({"--echo", "proto.id=7", "--script", "f.txt", "node=1", "node=2", "--list", "-h"}, o).empty());
    CHECK(o.help && o.echo && o.list && o.script == "f.txt");
    CHECK((o.sizes == std::vector<uint32_t>{2, 7}));
    CHECK(parse({"--help"}, o).empty() && o.help);
    CHECK(!o.seeded);
    CHECK(parse({"--seed", "42"}, o).empty() && o.seeded && o.seed == 42);
    CHECK(parse({"--seed"}, o) == "--seed needs a number");
    CHECK(parse({"--seed", "-1"}, o) == "bad seed `-1` (expected a non-negative integer)");
    CHECK(parse({"--seed", "x"}, o) == "bad seed `x` (expected a non-negative integer)");
    {
        ivyc::repl_random a(7), b(7), c(8);
        const uint64_t a1 = a.next();
        CHECK(a1 == b.next());
        CHECK(a1 != c.next());
        CHECK(a.next() != a1);
    }
    CHECK(parse({"--bogus"}, o) == "unknown option `--bogus`");
    CHECK(parse({"-x"}, o) == "unknown option `-x`");
    CHECK(parse({"--script"}, o) == "--script needs a file");
    CHECK(parse({"--script", ""}, o) == "--script needs a file");
    CHECK(parse({"--script", "a", "--script", "b"}, o) == "--script given twice");
    CHECK(parse({"node=0"}, o) == "bad size in `node=0` (expected 1 to 1000000)");
    CHECK(parse({"node=1000001"}, o) == "bad size in `node=1000001` (expected 1 to 1000000)");
    CHECK(parse({"node=x"}, o) == "bad size in `node=x` (expected 1 to 1000000)");
    CHECK(parse({"client=2"}, o) == "unknown sort `client` in `client=2`");
    CHECK(parse({"--echo=1"}, o) == "unknown option `--echo=1`");
    CHECK(parse({"\x01"}, o) == "unknown option `\\x01`");
    CHECK(ivyc::repl_usage("p_repl", sorts) ==
          "usage: p_repl [--help] [--echo] [--list] [--script FILE] [--seed N] [node=N] [proto.id=N]");
    const std::string help = ivyc::repl_help("p_repl", "p", sorts);
    CHECK(help.rfind(ivyc::repl_usage("p_repl", sorts) + "\n", 0) == 0);
    for (const char* word : {"--echo", "--list", "--script FILE", "--seed N", "SORT=N", "sorts: node, proto.id",
                             "?state", "set_PARAM(", ":= VALUE", "exit status"}) {
        if (help.find(word) == std::string::npos) std::fprintf(stderr, "help lacks %s\n", word);
        CHECK(help.find(word) != std::string::npos);
    }
    CHECK(ivyc::repl_help("q", "q", {}).find("no uninterpreted sort") != std::string::npos);
    // --timers, and the usage and help of a module with a network and timers.
    CHECK(parse({}, o).empty() && !o.timers);
    CHECK(parse({"--timers"}, o).empty() && o.timers);
    CHECK(parse({"--timers=1"}, o) == "unknown option `--timers=1`");
    CHECK(ivyc::repl_usage("p_repl", sorts, false, true) ==
          "usage: p_repl [--help] [--echo] [--list] [--script FILE] [--seed N] [--timers] [node=N] [proto.id=N]");
    CHECK(ivyc::repl_usage("p_repl", sorts, true, true).find("[--me N] [--port-base P] [--timers]") !=
          std::string::npos);
    CHECK(ivyc::repl_help("p_repl", "p", sorts, true, true).find("  --timers ") != std::string::npos);
    CHECK(ivyc::repl_help("p_repl", "p", sorts, true, false).find("--timers") == std::string::npos);
}

}  // namespace

int main() {
    test_parser();
    test_conversions();
    test_struct_values();
    test_variant_values();
    test_repl_loop();
    test_assignments();
    test_source_lines();
    test_options();
    return ivyc_test::test_result("test_repl");
}
