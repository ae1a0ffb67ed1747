//! Settings from the client and the workspace folders they apply to.

use super::{Pending, Server};
use crate::lsp::config::{Config, Settings};
use crate::lsp::from_proto::uri_to_path;
use crate::lsp::to_proto::path_to_uri;
use crate::lsp::worker::Job;
use lsp_types::{
    request, ConfigurationItem, ConfigurationParams, DidChangeConfigurationParams,
    DidChangeWorkspaceFoldersParams, MessageType,
};
use serde_json::Value;
use std::path::PathBuf;

impl Server<'_> {
    pub(super) fn pull_configuration(&mut self) {
        let folders = self.folders.clone();
        let mut items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("triplet".into()),
        }];
        items.extend(folders.iter().map(|folder| ConfigurationItem {
            scope_uri: path_to_uri(folder),
            section: Some("triplet".into()),
        }));
        self.send_request::<request::WorkspaceConfiguration>(
            ConfigurationParams { items },
            Pending::Configuration { folders },
        );
    }

    pub(super) fn apply_configuration_answer(&mut self, folders: &[PathBuf], value: Value) {
        let Value::Array(answers) = value else {
            self.log(
                MessageType::WARNING,
                "workspace/configuration: expected an array".into(),
            );
            return;
        };
        let mut config = Config::default();
        for (index, answer) in answers.iter().enumerate() {
            let settings = match Settings::from_json(answer) {
                Ok(settings) => settings,
                Err(problem) => {
                    self.show_warning(problem);
                    continue;
                }
            };
            match index.checked_sub(1).and_then(|folder| folders.get(folder)) {
                None if index == 0 => config.global = settings,
                None => {}
                Some(folder) => {
                    config.folders.insert(folder.clone(), settings);
                }
            }
        }
        self.set_config(config);
    }

    pub(super) fn did_change_configuration(&mut self, params: DidChangeConfigurationParams) {
        if self.client.pull_configuration {
            self.pull_configuration();
            return;
        }
        match Settings::from_json(&params.settings) {
            Ok(settings) => {
                let config = Config {
                    global: settings,
                    folders: Default::default(),
                };
                self.set_config(config);
            }
            Err(problem) => self.show_warning(problem),
        }
    }

    pub(super) fn set_config(&mut self, config: Config) {
        if config != self.config {
            self.config = config;
            self.sync_workspaces();
        }
    }

    pub(super) fn sync_workspaces(&mut self) {
        let seq = self.take_seq();
        self.sync_requested = seq;
        let job = Job::Sync {
            folders: self.folders.clone(),
            config: self.config.clone(),
            overlay: self.documents.overlay(),
            seq,
        };
        self.submit(job);
    }

    pub(super) fn did_change_workspace_folders(&mut self, params: DidChangeWorkspaceFoldersParams) {
        let event = params.event;
        let removed: Vec<PathBuf> = event
            .removed
            .iter()
            .filter_map(|folder| uri_to_path(&folder.uri))
            .collect();
        self.folders.retain(|folder| !removed.contains(folder));
        for folder in event
            .added
            .iter()
            .filter_map(|folder| uri_to_path(&folder.uri))
        {
            if !self.folders.contains(&folder) {
                self.folders.push(folder);
            }
        }
        self.watch_folders();
        self.sync_workspaces();
        if self.client.pull_configuration {
            self.pull_configuration();
        }
    }
}
