using System.Runtime.InteropServices;

namespace Backprop.IO;

/// <summary>
/// Writes a file so that readers (and a crash) see either the old contents or the complete new ones. The promise:
/// the data is flushed to the disk before a rename within the directory puts it in place, and the directory itself
/// is flushed after the rename (on Linux and macOS), so a power loss cannot lose the rename. A save killed half-way
/// leaves a temporary file (.NAME.&lt;guid&gt;.tmp) beside the destination; the next save to the same path deletes such
/// leftovers once no other save holds them (each save holds an exclusive lock on its own temporary file).
/// </summary>
internal static partial class AtomicFile
{
    /// <summary>A leftover younger than this may belong to a save that has created its file but not yet locked it.</summary>
    private static readonly TimeSpan LeftoverMinAge = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Runs write on a fresh temporary file in the destination's directory, flushes it to the disk, then renames it
    /// over path (a rename within one directory is atomic on POSIX and NTFS) and flushes the directory. If anything
    /// fails, the temporary file is deleted and the previous file at path is left untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        DeleteLeftovers(directory, Path.GetFileName(full));
        string temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.None takes an exclusive lock (flock on Unix): DeleteLeftovers of a concurrent save skips this file.
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { }                  // the original exception is the one worth reporting
            catch (UnauthorizedAccessException) { }
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>
    /// Deletes the temporary files that earlier saves to fileName left behind when they were killed: those no live
    /// save holds locked and that are older than <see cref="LeftoverMinAge"/>. Best effort: a file that cannot be
    /// opened or deleted is left for a later save.
    /// </summary>
    internal static int DeleteLeftovers(string directory, string fileName)
    {
        int deleted = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, $".{fileName}.*.tmp", SearchOption.TopDirectoryOnly).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string candidate in candidates)
        {
            // Only our own names: "." + fileName + "." + 32 hex digits + ".tmp" (the pattern's * matches more).
            string guid = Path.GetFileName(candidate)[(fileName.Length + 2)..^4];
            if (guid.Length != 32 || !Guid.TryParseExact(guid, "N", out _)) continue;
            try
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < LeftoverMinAge) continue;
                using var held = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                File.Delete(candidate);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // locked by a save in progress, or not ours to delete
            }
        }
        return deleted;
    }

    /// <summary>
    /// fsync of the directory, so that the rename in it is on the disk (POSIX: a rename is durable only once its
    /// directory is). Windows has no directory handle to flush this way; NTFS journals the rename. Returns false where
    /// not supported (Windows, or a file system that refuses: EINVAL).
    /// </summary>
    internal static bool SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        int fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return false;
        try
        {
            if (Fsync(fd) == 0) return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == 22 /* EINVAL: the file system does not sync directories */) return false;
            throw new IOException($"fsync of the directory {directory} after the rename failed (errno {errno})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
