// The line driver-tool --version prints, written the way driver-tool writes its replies: UTF-8
// bytes to the standard output stream in one write, not through Console's text writer.
using Stream stdout = Console.OpenStandardOutput();
stdout.Write("driver-tool 0.1.0\n"u8);
stdout.Flush();
