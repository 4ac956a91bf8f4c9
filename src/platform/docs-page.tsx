import type { FC } from 'hono/jsx';

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
};
export type OpenApiDoc = {
  info: { title: string; description?: string; version: string };
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
};

const css = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font:14px ui-monospace,monospace}pre{background:#f4f4f5;padding:.75rem;overflow:auto}
.op{border-top:1px solid #ddd;padding:.75rem 0}.m{display:inline-block;min-width:4.5rem;font-weight:700}`;

const ops = (doc: OpenApiDoc) =>
  Object.entries(doc.paths ?? {}).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );

/** A readable page of the OpenAPI document, with no client-side script. */
export const DocsPage: FC<{ doc: OpenApiDoc }> = ({ doc }) => {
  const all = ops(doc);
  const tags = [...new Set(all.map((o) => o.op.tags?.[0] ?? 'Other'))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title}</title>
        <style>{css}</style>
      </head>
      <body>
        <h1>{doc.info.title}</h1>
        <p>{doc.info.description}</p>
        <p>
          Machine-readable: <a href="/openapi.json">/openapi.json</a>. Every request carries <code>Authorization: Bearer &lt;key&gt;</code>;
          errors are <code>application/problem+json</code>.
        </p>
        {tags.map((tag) => (
          <section>
            <h2>{tag}</h2>
            {all
              .filter((o) => (o.op.tags?.[0] ?? 'Other') === tag)
              .map(({ path, method, op }) => (
                <div class="op">
                  <h3>
                    <span class="m">{method}</span> <code>{path}</code>
                  </h3>
                  <p>{op.summary}</p>
                  {op.description && <p>{op.description}</p>}
                  {op.requestBody?.content?.['application/json'] && (
                    <details>
                      <summary>Request body schema</summary>
                      <pre>{JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)}</pre>
                    </details>
                  )}
                  <ul>
                    {Object.entries(op.responses ?? {}).map(([code, r]) => (
                      <li>
                        <code>{code}</code> {r.description}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
          </section>
        ))}
        <h2>Schemas</h2>
        <pre>{JSON.stringify(doc.components?.schemas ?? {}, null, 2)}</pre>
      </body>
    </html>
  );
};
