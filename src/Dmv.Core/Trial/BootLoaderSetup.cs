using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Switching;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>trial enable and disable: grub.cfg prepared for trials, or as it was.</summary>
internal static partial class TrialService
{
    /// <summary>trial enable: driver-tool's block beside grub.cfg, then grub.cfg sourcing it and passing ${dt_args}.</summary>
    public static bool TryEnable(HostRoot root, string? bootConfig, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out BootLoaderChange? change, [NotNullWhen(false)] out Failure? failure)
    {
        change = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out _, out failure))
        {
            return false;
        }

        using (held)
        {
            if (!BootLoader.TryFind(root, bootConfig, out BootLoader? loader, out failure))
            {
                return false;
            }

            using (loader)
            {
                if (!loader.TryReadConfig(out string text, out failure))
                {
                    return false;
                }

                if (loader.StorageProblem() is { } storage)
                {
                    failure = new Failure(Errno.EOPNOTSUPP, $"{loader.RealConfigPath}: grub cannot write its environment block beside it ({storage}), so it cannot count a trial; nothing was changed");
                    return false;
                }

                string? prepared = GrubConfig.Prepare(text, out string? problem);
                if (prepared is null)
                {
                    failure = new Failure(Errno.EOPNOTSUPP, $"{loader.RealConfigPath}: {problem}; nothing was changed");
                    return false;
                }

                bool blockChanged = loader.BlockProblem() is not null;
                int errno = blockChanged ? loader.WriteBlock() : 0;
                options.Crash.Passed();
                if (errno == 0 && prepared != text)
                {
                    errno = loader.WriteConfig(prepared);
                }

                if (errno != 0)
                {
                    failure = new Failure(errno, $"{loader.RealConfigPath}: {Errno.Describe(errno)}; grub.cfg is as it was");
                    return false;
                }

                change = new BootLoaderChange(loader.ConfigPath, loader.FolderPath + "/" + GrubConfig.BlockName, prepared != text || blockChanged);
                return true;
            }
        }
    }

    /// <summary>trial disable: grub.cfg as before trial enable, and the block removed. Refused (EBUSY) while a trial is pending.</summary>
    public static bool TryDisable(HostRoot root, string? bootConfig, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out BootLoaderChange? change, [NotNullWhen(false)] out Failure? failure)
    {
        change = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? record, out failure))
        {
            return false;
        }

        using (held)
        {
            if (record is { IsPending: true })
            {
                failure = new Failure(Errno.EBUSY, $"trial {record.Id} is pending: without the hook its next boot falls back; 'driver-tool trial confirm' or 'driver-tool trial rollback' first");
                return false;
            }

            if (!BootLoader.TryFind(root, bootConfig, out BootLoader? loader, out failure))
            {
                return false;
            }

            using (loader)
            {
                if (!loader.TryReadConfig(out string text, out failure))
                {
                    return false;
                }

                string plain = GrubConfig.Unprepare(text);
                // grub.cfg first: a source line left pointing at a removed file stops grub's script there.
                int errno = plain != text ? loader.WriteConfig(plain) : 0;
                bool blockThere = loader.BlockProblem() is not { } missing || !missing.EndsWith("is missing", StringComparison.Ordinal);
                errno = errno == 0 && blockThere ? loader.RemoveBlock() : errno;
                if (errno != 0)
                {
                    failure = new Failure(errno, $"{loader.RealConfigPath}: {Errno.Describe(errno)}");
                    return false;
                }

                change = new BootLoaderChange(loader.ConfigPath, loader.FolderPath + "/" + GrubConfig.BlockName, plain != text || blockThere);
                return true;
            }
        }
    }
}
