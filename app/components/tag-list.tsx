/** Tags as links: to the tag's questions, or wherever `hrefFor` says (article tags are not community tags). */
export function TagList({
  tags,
  hrefFor = (tag) => `/tags/${tag}`,
}: {
  tags: string[];
  hrefFor?: (tag: string) => string;
}) {
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
