using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dmv.Core.Tests.Architecture;

/// <summary>
/// The house rules the README's architecture section draws: folders of src/Dmv.Core depend one
/// way (no cycle between folders, judged by the compiler's own symbols), and no source file grows
/// past 400 lines without a reason written at its top.
/// </summary>
public class ArchitectureTests
{
    [Fact]
    public void No_two_folders_of_the_core_depend_on_each_other_even_through_others()
    {
        var references = SourceModel.Of().CrossFolderReferences();
        var edges = references.GroupBy(r => r.From).ToDictionary(g => g.Key, g => g.Select(r => r.To).Distinct().ToList());
        Assert.True(edges.Count > 5, $"only {edges.Count} folders refer to others: the model read nothing");

        List<List<string>> cycles = StronglyConnected(edges).Where(c => c.Count > 1).ToList();
        string Explain(List<string> cycle) => string.Join("\n", cycle.SelectMany(a => cycle.Where(b => b != a)
            .Select(b => references.FirstOrDefault(r => r.From == a && r.To == b))
            .Where(r => r.From is not null)
            .Select(r => $"  {r.From} -> {r.To}: {r.Where} names {r.Symbol}")));
        Assert.True(cycles.Count == 0, "folders that depend on each other:\n" + string.Join("\n", cycles.Select(c => string.Join(", ", c) + "\n" + Explain(c))));
    }

    [Fact]
    public void No_source_file_is_over_400_lines_without_a_reason_at_its_top()
    {
        string root = Path.GetFullPath(Path.Combine(SourceModel.Of().Folder, ".."));
        var long_ = new List<string>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj") && !f.Contains("/bin")))
        {
            string[] lines = File.ReadAllLines(file);
            if (lines.Length > 400 && !lines.Take(30).Any(l => l.Contains("Longer than 400 lines because", StringComparison.Ordinal)))
            {
                long_.Add($"{Path.GetRelativePath(root, file)}: {lines.Length} lines");
            }
        }

        Assert.True(long_.Count == 0, "split these, or say at the top why not (\"Longer than 400 lines because …\"):\n" + string.Join("\n", long_));
    }

    [Fact]
    public void Every_type_of_the_core_and_the_executable_is_internal_unless_a_reason_is_written_beside_it()
    {
        string root = Path.GetFullPath(Path.Combine(SourceModel.Of().Folder, ".."));
        var declared = new List<string>();
        int types = 0;
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj") && !f.Contains("/bin")))
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var match = System.Text.RegularExpressions.Regex.Match(lines[i], @"^(public|internal) (?:sealed |static |readonly |partial |abstract |unsafe |ref )*(?:class|record|struct|enum|interface|delegate)\b");
                if (!match.Success)
                {
                    continue;
                }

                types++;
                if (match.Groups[1].Value == "public" && !lines.Skip(Math.Max(0, i - 3)).Take(3).Any(l => l.Contains("Public because", StringComparison.Ordinal)))
                {
                    declared.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(types > 150, $"only {types} types found");
        Assert.True(declared.Count == 0, "public types without a reason (\"// Public because …\" above them):\n" + string.Join("\n", declared));
    }

    [Fact]
    public void Every_nullable_output_of_a_Try_method_says_when_it_is_set()
    {
        // [NotNullWhen] lets the compiler check the callers instead of a '!'; an output that a
        // success may leave null (no record, an unsigned module) says so in the method's comment.
        var silent = new List<string>();
        int outputs = 0;
        foreach (SyntaxTree tree in SourceModel.Of().Compilation.SyntaxTrees)
        {
            foreach (MethodDeclarationSyntax method in tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (!method.Identifier.Text.StartsWith("Try", StringComparison.Ordinal) || method.ReturnType.ToString() != "bool")
                {
                    continue;
                }

                string comment = method.GetLeadingTrivia().ToFullString();
                foreach (ParameterSyntax parameter in method.ParameterList.Parameters)
                {
                    if (!parameter.Modifiers.Any(m => m.Text == "out") || parameter.Type is not NullableTypeSyntax)
                    {
                        continue;
                    }

                    outputs++;
                    bool annotated = parameter.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "NotNullWhen");
                    if (!annotated && !comment.Contains("null", StringComparison.Ordinal))
                    {
                        int line = parameter.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                        silent.Add($"{tree.FilePath}:{line}: {method.Identifier.Text}(… out {parameter.Type} {parameter.Identifier.Text})");
                    }
                }
            }
        }

        Assert.True(outputs > 40, $"only {outputs} nullable outputs of Try methods found: the model read nothing");
        Assert.True(silent.Count == 0, "nullable outputs with neither [NotNullWhen] nor a comment saying when they are null:\n" + string.Join("\n", silent));
    }

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, List<string>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();
        int next = 0;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (string to in edges.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to))
                {
                    Visit(to);
                    low[node] = Math.Min(low[node], low[to]);
                }
                else if (onStack.Contains(to))
                {
                    low[node] = Math.Min(low[node], index[to]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (string node in edges.Keys.Concat(edges.Values.SelectMany(v => v)).Distinct().ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
