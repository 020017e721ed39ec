//! Parser fixtures: one folder per guide shape, `guide.md` in, the parsed model out
//! (as an insta snapshot beside it).

#[test]
fn fixtures() {
    insta::glob!("fixtures/*/guide.md", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let case = path
            .parent()
            .and_then(std::path::Path::file_name)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut guide = medic_guide::parse(&format!("{case}.md"), &text);
        guide.classify();
        insta::with_settings!({ snapshot_path => path.parent().unwrap(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_yaml_snapshot!("model", guide);
        });
    });
}
