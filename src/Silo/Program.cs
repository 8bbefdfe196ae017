using Kms.Silo;

return await KmsSiloProgram.RunAsync(
    SiloLaunchContext.FromProcess(args), Console.Out, Console.Error, CancellationToken.None);
