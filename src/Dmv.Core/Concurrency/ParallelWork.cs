using System.Runtime.ExceptionServices;

namespace Dmv.Core.Concurrency;

/// <summary>
/// Runs independent work items on a few threads, the caller's among them. Reading a host is
/// mostly system calls, which the two or more cores of a host run side by side; plain threads
/// start in a fraction of a millisecond, where the thread pool's warm-up would cost more than a
/// small listing takes.
/// </summary>
internal static class ParallelWork
{
    public static void Run(int count, int maxWorkers, Action<int> body)
    {
        int workers = Math.Min(count, Math.Max(1, maxWorkers));
        if (workers <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        int next = -1;
        Exception? failure = null;
        void Work()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    body(index);
                }
                catch (Exception error)
                {
                    Interlocked.CompareExchange(ref failure, error, null);
                }
            }
        }

        var threads = new Thread[workers - 1];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(Work, maxStackSize: 1 << 20) { IsBackground = true, Name = "dmv-worker" };
            threads[t].Start();
        }

        Work();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }
}
