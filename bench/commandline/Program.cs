// driver-tool's command line (its commands and the long options of CommandLine/OptionTable)
// declared with System.CommandLine 2 and parsed, then the line --version prints, written as the
// HelloAot floor writes it: the cost of the parser alone, over the floor.
using System.CommandLine;

string[] valued = ["--root", "--lspci", "--format", "--running-kernel", "--lock-timeout", "--signatures", "--trusted-keys", "--kernel", "--limit", "--tries", "--boot-config"];
string[] flags = ["--strict", "--dry-run", "--include-deselected", "--repair", "--force", "--no-hooks", "--no-initrd", "--initrd", "--pending", "--trial"];
var root = new RootCommand("driver-tool");
foreach (string name in valued)
{
    root.Options.Add(new Option<string>(name) { Description = "a value", Recursive = true });
}

foreach (string name in flags)
{
    root.Options.Add(new Option<bool>(name) { Description = "a flag", Recursive = true });
}

foreach (string word in new[] { "list", "select", "deselect", "auto-select", "reconcile", "explain", "verify", "inspect", "kernels", "history", "trial", "completion" })
{
    var command = new Command(word, "a command");
    command.Arguments.Add(new Argument<string[]>("names") { Arity = ArgumentArity.ZeroOrMore });
    root.Subcommands.Add(command);
}

ParseResult parsed = root.Parse(args);
using Stream stdout = Console.OpenStandardOutput();
stdout.Write(parsed.Errors.Count == 0 ? "driver-tool 0.1.0\n"u8 : "usage error\n"u8);
stdout.Flush();
