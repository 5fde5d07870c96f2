namespace Governance.Cli.Tests.Support;

/// <summary>A fresh folder under the system temp folder, removed afterwards, so tests never share a store.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "governance-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A store file still held open by a pooled connection only leaves a folder in the temp directory.
        }
    }
}
