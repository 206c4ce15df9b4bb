using BenchmarkDotNet.Running;

// Micro-benchmarks of driver-tool's hot readers; `make bench-micro` runs them all.
BenchmarkSwitcher.FromAssembly(typeof(Dmv.Bench.PciMatchBenchmarks).Assembly).Run(args);
