/**
 * Getting dataset files from their publishers, on purpose only: {@link org.ddlab.data.fetch.Fetcher}
 * downloads a list of {@link org.ddlab.data.fetch.Download}s (each pinned by SHA-256) into a folder,
 * resuming broken transfers, verifying every byte, placing files atomically and unpacking
 * {@code .tar.gz} archives safely. Nothing else in ddlab opens a network connection for data; readers
 * such as {@link org.ddlab.data.FashionMnist} only look at local folders.
 */
package org.ddlab.data.fetch;
