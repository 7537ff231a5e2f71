/**
 * A tag's page. Encoded: Hearth's own tag names are plain, but an imported site's may hold `#` or `+`
 * (`c#`, `c++`), which would otherwise end the path or mean something else in it.
 */
export const tagPath = (tag: string) => `/tags/${encodeURIComponent(tag)}`;

/** Tags as links: to the tag's questions, or wherever `hrefFor` says (article tags are not community tags). */
export function TagList({ tags, hrefFor = tagPath }: { tags: string[]; hrefFor?: (tag: string) => string }) {
  if (tags.length === 0) return null;
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag}>
          <a className="tag" href={hrefFor(tag)}>
            {tag}
          </a>
        </li>
      ))}
    </ul>
  );
}
