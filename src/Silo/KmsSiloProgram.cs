using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Kms.Silo;

/// <summary>What <c>kms-silo</c> does, callable in-process: parse, build, run until SIGTERM/Ctrl+C or cancellation.</summary>
public static class KmsSiloProgram
{
    /// <summary>Exit code of a clean run, including a graceful shutdown on SIGTERM or Ctrl+C.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the silo fails while starting or running.</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code for a bad command line or invalid configuration; nothing was started.</summary>
    public const int ExitUsage = 2;

    /// <summary>Runs a silo until it is stopped.</summary>
    /// <param name="launch">Arguments, environment and directories of this start.</param>
    /// <param name="output">Where <c>--help</c> goes.</param>
    /// <param name="error">Where errors and the development banner go.</param>
    /// <param name="cancellationToken">Stops the silo gracefully, like SIGTERM.</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(
        SiloLaunchContext launch, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        if (DatabaseCommand.Handles(launch.Args))
        {
            return await DatabaseCommand.RunAsync(launch, output, error, cancellationToken);
        }

        WebApplication app;
        try
        {
            SiloCommandLine commandLine = SiloCommandLine.Parse(launch.Args);
            if (commandLine.ShowHelp)
            {
                await output.WriteAsync(SiloCommandLine.HelpText);
                return ExitOk;
            }

            app = KmsSiloHost.Build(launch, commandLine, error);
        }
        catch (SiloStartupException exception)
        {
            await error.WriteLineAsync("kms-silo: cannot start: " + exception.Message);
            return ExitUsage;
        }
        catch (Exception exception)
        {
            // A defect rather than configuration (e.g. an invalid grain registration); the message says which.
            await error.WriteLineAsync("kms-silo: failed to build the silo: " + exception.Message);
            return ExitFailure;
        }

        await using (app)
        {
            try
            {
                await app.RunAsync(cancellationToken);
                return ExitOk;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitOk; // stopped while starting
            }
            catch (OptionsValidationException exception)
            {
                await error.WriteLineAsync("kms-silo: cannot start: invalid configuration: " + exception.Message);
                return ExitUsage;
            }
            catch (Exception exception) when (ListenConflict.Describe(exception) is { } conflict)
            {
                await error.WriteLineAsync("kms-silo: cannot start: " + conflict);
                return ExitUsage;
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A start step gave up on its own time limit (e.g. the PostgreSQL schema step).
                await error.WriteLineAsync("kms-silo: failed: a start step timed out: " + exception.Message);
                return ExitFailure;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                await error.WriteLineAsync("kms-silo: failed: " + exception.Message);
                return ExitFailure;
            }
        }
    }
}
