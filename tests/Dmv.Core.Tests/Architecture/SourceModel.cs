using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Dmv.Core.Tests.Architecture;

/// <summary>
/// The sources of src/Dmv.Core as the compiler sees them (Roslyn's semantic model, the shipped
/// build's symbols): which folder every type a file names lives in, so the architecture tests judge
/// real references, not words that look like type names.
/// </summary>
internal sealed class SourceModel
{
    private static readonly Lazy<SourceModel> Core = new(() => new SourceModel(Path.Combine(RepositoryRoot(), "src/Dmv.Core")));

    private SourceModel(string folder)
    {
        Folder = folder;
        var trees = new List<SyntaxTree>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(folder, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }

            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(file), CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview), path: relative));
        }

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(path => !Path.GetFileName(path).StartsWith("Dmv.", StringComparison.Ordinal))
            .DistinctBy(Path.GetFileName)
            .Select(path => MetadataReference.CreateFromFile(path));
        Compilation = CSharpCompilation.Create("Dmv.Core", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
    }

    public static SourceModel Of() => Core.Value;

    public string Folder { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>The folder under src/Dmv.Core a file or a symbol belongs to ("." for the top).</summary>
    public static string FolderOf(string relativePath) => relativePath.Contains('/') ? relativePath[..relativePath.IndexOf('/')] : ".";

    /// <summary>Every reference from a file to a type (or a member of one) of another folder: (from folder, to folder, file:line, symbol).</summary>
    public List<(string From, string To, string Where, string Symbol)> CrossFolderReferences()
    {
        var found = new List<(string, string, string, string)>();
        foreach (SyntaxTree tree in Compilation.SyntaxTrees)
        {
            string from = FolderOf(tree.FilePath);
            SemanticModel model = Compilation.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                if (node is not (SimpleNameSyntax or ImplicitObjectCreationExpressionSyntax))
                {
                    continue;
                }

                SymbolInfo info = model.GetSymbolInfo(node);
                ISymbol? symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                INamedTypeSymbol? type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                while (type?.ContainingType is not null)
                {
                    type = type.ContainingType;
                }

                if (type is null || type.Locations.FirstOrDefault(l => l.IsInSource) is not { } declared)
                {
                    continue;
                }

                string to = FolderOf(declared.SourceTree!.FilePath);
                if (to != from)
                {
                    int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    found.Add((from, to, $"{tree.FilePath}:{line}", type.Name));
                }
            }
        }

        return found;
    }

    private static string RepositoryRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Dmv.Aot.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("cannot find Dmv.Aot.sln above " + AppContext.BaseDirectory);
    }
}
