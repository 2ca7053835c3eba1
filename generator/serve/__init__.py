"""``disclose serve``: a local preview server.

- ``engine``  the one adapter between the server and the pipeline (check, document
  model, HTML, layout, PDF/DOCX). When the document API changes, only it changes.
- ``pages``   pages as they will print: the page map taken from WeasyPrint's layout,
  and the document's HTML cut into those pages for the browser.
- ``locate``  where a problem shows in the document (one function).
- ``state``   the departments of the folder, what each one reads, and their versions.
- ``app``     the web application (Starlette): index, department view, live events,
  downloads; ``ui`` holds its Chinese texts and markup.
"""
