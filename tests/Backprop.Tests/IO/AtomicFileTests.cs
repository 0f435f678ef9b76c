using Backprop.IO;

namespace Backprop.Tests.IO;

/// <summary>
/// What a save promises beyond atomicity: the temporary files of saves that were killed are deleted by the next save
/// to the same path (but never one that a save in progress holds), and the directory is flushed after the rename.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Dictionary<string, Tensor> Weights = new() { ["w"] = Tensor.Ones(3) };

    /// <summary>A temporary file as a killed save of name leaves it, last written the given time ago.</summary>
    private string Leftover(string name, TimeSpan age, string? guid = null)
    {
        string path = Path.Combine(_dir, $".{name}.{guid ?? Guid.NewGuid().ToString("N")}.tmp");
        File.WriteAllBytes(path, new byte[1000]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public void The_next_save_to_the_same_path_deletes_the_temporary_files_of_killed_saves()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        var leftovers = Enumerable.Range(0, 3).Select(_ => Leftover("model.safetensors", TimeSpan.FromMinutes(5))).ToList();
        SafeTensors.Save(path, Weights);
        foreach (var leftover in leftovers) Assert.False(File.Exists(leftover), leftover);
        Assert.Equal(["model.safetensors"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void A_temporary_file_held_by_a_save_in_progress_is_left_alone()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        string live = Leftover("model.safetensors", TimeSpan.FromMinutes(5));
        using (new FileStream(live, FileMode.Open, FileAccess.Write, FileShare.None))   // as AtomicFile.Write holds its own
        {
            SafeTensors.Save(path, Weights);
            Assert.True(File.Exists(live));
        }
        SafeTensors.Save(path, Weights);   // released: now it is a leftover
        Assert.False(File.Exists(live));
    }

    [Fact]
    public void Only_this_paths_leftovers_older_than_two_seconds_are_deleted()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        string young = Leftover("model.safetensors", TimeSpan.Zero);
        string otherFile = Leftover("other.safetensors", TimeSpan.FromHours(1));
        string notOurName = Leftover("model.safetensors", TimeSpan.FromHours(1), guid: "backup");
        string user = Path.Combine(_dir, "notes.tmp");
        File.WriteAllText(user, "mine");
        SafeTensors.Save(path, Weights);
        foreach (var kept in new[] { young, otherFile, notOurName, user }) Assert.True(File.Exists(kept), kept);
    }

    [Fact]
    public void DeleteLeftovers_counts_what_it_deleted()
    {
        Leftover("a.bin", TimeSpan.FromMinutes(1));
        Leftover("a.bin", TimeSpan.FromMinutes(1));
        Assert.Equal(2, AtomicFile.DeleteLeftovers(_dir, "a.bin"));
        Assert.Equal(0, AtomicFile.DeleteLeftovers(_dir, "a.bin"));
    }

    [Fact]
    public void The_directory_is_flushed_to_the_disk_after_the_rename()
    {
        // fsync(2) of a directory works on Linux file systems (tmpfs and ext4 alike); Windows has no such call.
        Assert.Equal(!OperatingSystem.IsWindows(), AtomicFile.SyncDirectory(_dir));
    }
}
