using System.Buffers;
using System.Text.Json;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Concurrency;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.Modules;
using Dmv.Core.Signing;

namespace Dmv.Cli.Commands;

/// <summary>
/// <c>driver-tool inspect FILE…</c> (or module names with --kernel K): per module its notes,
/// .modinfo, vermagic, depends, __versions size and signature. Modules are read on every core in
/// batches and written in order as each batch completes, so memory stays bounded however many.
/// </summary>
internal static class InspectCommand
{
    private const int BatchSize = 128;
    private const int MaxPathBytes = 4096;
    private const int OutputChunk = 64 * 1024;

    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryCreate(invocation, terminal, out HostContext host, out int exitCode))
        {
            return exitCode;
        }

        using var codecs = new NativeCodecs();
        var inspector = new ModuleInspector(codecs);
        var warnings = new Dmv.Core.Diagnostics.DiagnosticLog();
        SignatureVerifier? verifier = invocation.TrustedKeys is null ? null : new SignatureVerifier(host.Integrity(invocation, warnings).Trust);
        Replies.Warnings(terminal, warnings);
        var writer = new InspectWriter(terminal, invocation.Format);
        // Files named on the command line are this machine's, unless --root makes an absolute one the managed system's.
        HostRoot local = host.Root.IsSystemRoot ? host.Root : HostRoot.OpenRunningSystem();
        int failures = 0;
        int firstErrno = 0;
        for (int start = 0; start < invocation.Files.Count; start += BatchSize)
        {
            int count = Math.Min(BatchSize, invocation.Files.Count - start);
            var reports = new ModuleReport[count];
            ParallelWork.Run(count, Environment.ProcessorCount, i => reports[i] = InspectOne(host, local, invocation, inspector, verifier, invocation.Files[start + i]));
            // Each batch's reports (the modinfo strings, notes and symbol lists being printed) are
            // garbage once written; section names no longer cost a string. The first gen0 budget is
            // sized from the CPU cache, so without this a run over Debian's 4,023 modules peaks at
            // 33-37 MB instead of 19-23 MB (measured; DOTNET_GCgen0size does not lower it).
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
            foreach (ModuleReport report in reports)
            {
                if (report.Error is not null)
                {
                    failures++;
                    firstErrno = firstErrno != 0 ? firstErrno : report.ErrorNumber != 0 ? report.ErrorNumber : Errno.ENOEXEC;
                    terminal.Error($"{report.File}: {report.Error}");
                }

                writer.Write(report);
            }
        }

        writer.Finish(failures == 0 ? 0 : firstErrno);
        return failures == 0 ? 0 : firstErrno;
    }

    private static ModuleReport InspectOne(HostContext host, HostRoot local, Invocation invocation, ModuleInspector inspector, SignatureVerifier? verifier, string argument)
    {
        ModuleBytesVisitor? verify = verifier is null ? null : (report, bytes) => report.Verification = verifier.Verify(bytes);
        return Locate(host, local, invocation, inspector, argument, verify);
    }

    private static ModuleReport Locate(HostContext host, HostRoot local, Invocation invocation, ModuleInspector inspector, string argument, ModuleBytesVisitor? withBytes)
    {
        if (argument.Length == 0)
        {
            return new ModuleReport { File = argument, Error = "the module path is empty", ErrorNumber = Errno.ENOENT };
        }

        if (System.Text.Encoding.UTF8.GetByteCount(argument) >= MaxPathBytes)
        {
            return new ModuleReport { File = argument[..64] + "…", Error = $"the path is longer than PATH_MAX ({MaxPathBytes} bytes)", ErrorNumber = Errno.ENAMETOOLONG };
        }

        // A bare name that is no file here is a module name, looked up as modinfo does: in --kernel K,
        // else the running kernel (under --root: --running-kernel, else the newest installed one).
        bool isName = !argument.Contains('/') && !local.TryStatus(argument, out _, out _);
        if (isName)
        {
            string? kernel = invocation.Kernel ?? host.RunningKernel ?? host.NewestKernel();
            if (kernel is null)
            {
                return new ModuleReport { File = argument, Error = $"no such file, and no kernel installed{(invocation.Root is null ? "" : " under " + invocation.Root)} to look module '{argument}' up in", ErrorNumber = Errno.ENOENT };
            }

            return ModuleLocator.TryFind(host.Root, kernel, argument, out string found, out string reason)
                ? inspector.Inspect(host.Root, found, found, withBytes, symbols: false)
                : new ModuleReport { File = argument, Error = reason, ErrorNumber = Errno.ENOENT };
        }

        // Files named on the command line are this machine's paths; with --root, absolute ones are the
        // managed system's, opened inside the root, where a link in them cannot lead out.
        if (invocation.Root is not null && argument.StartsWith('/'))
        {
            return inspector.Inspect(host.Root, argument, argument, withBytes, symbols: false);
        }

        // Opened as given, relative to the working folder: no getcwd per module.
        return inspector.Inspect(local, argument, argument, withBytes, symbols: false);
    }

    /// <summary>
    /// Writes the reports as one JSON document (or a modinfo-like text) while they are produced:
    /// the envelope by hand, so that only one batch is ever held, and each module as its reply type.
    /// </summary>
    private sealed class InspectWriter
    {
        private readonly Terminal _terminal;
        private readonly OutputFormat _format;
        private readonly ArrayBufferWriter<byte> _pending = new(OutputChunk + (OutputChunk >> 1));
        private readonly Utf8JsonWriter? _json;

        public InspectWriter(Terminal terminal, OutputFormat format)
        {
            _terminal = terminal;
            _format = format;
            if (format == OutputFormat.Json)
            {
                // Into memory, sent in chunks: the serializer flushes its writer after every module,
                // which straight onto standard output would be several write(2) calls per module.
                _json = new Utf8JsonWriter(_pending, terminal.JsonOptions);
                _json.WriteStartObject();
                _json.WriteStartArray("modules");
            }
        }

        public void Write(ModuleReport report)
        {
            if (_json is null)
            {
                // For a person a file that cannot be read is its stderr line alone, said once.
                if (report.Error is null)
                {
                    _terminal.WriteText(ModuleText.Render(report));
                }

                return;
            }

            JsonSerializer.Serialize(_json, ModuleReplyMapper.Map(report), DmvJsonContext.Default.ModuleReply);
            if (_pending.WrittenCount >= OutputChunk)
            {
                Send();
            }
        }

        private void Send()
        {
            _json!.Flush();
            _terminal.WriteBytes(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
        }

        public void Finish(int exit)
        {
            if (_json is null)
            {
                return;
            }

            _json.WriteEndArray();
            _json.WriteNumber("exit", exit);
            _json.WriteEndObject();
            _json.Flush();
            _pending.Write("\n"u8);
            Send();
        }
    }
}
